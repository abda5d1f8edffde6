package io.propius.policy.med;

import io.propius.api.query.AttributeSource;
import io.propius.policy.ClientPortal;
import io.propius.policy.JobGroup;
import io.propius.policy.JobPortal;
import io.propius.policy.PolicyContext;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import io.propius.policy.builtin.IrsPolicy;
import io.propius.policy.med.learn.ClassDurations;
import io.propius.policy.med.plan.MedPlan;
import io.propius.policy.med.plan.MedPlanner;
import java.util.ArrayList;
import java.util.List;

/**
 * MED as a small-batch allocation policy (name {@code med}): rounds that declared data work get
 * each of their devices with a shard count from a MED solve over the held devices; everything else
 * (rounds without data work, rounds MED could not plan, devices MED left unused) is scheduled by
 * device count through the usual groups, which are IRS's ({@link IrsPolicy}, its {@code fairness}
 * option included).
 *
 * <p>The solve needs the held devices themselves, which only the client managers have, so it runs
 * where they are: each client manager keeps its own instance of this policy (made like the
 * scheduler's, from the same name and options) and calls {@link #allocate} on each plan before the
 * groups are applied. The scheduler's instance only makes the groups.
 *
 * <p>Options ({@code scheduler.policyOptions}): {@value #SOLVE_MS} (the solve's time limit, ms;
 * default 200, below the default tick), {@value #PRIOR_SECONDS_PER_SHARD} (nominal seconds per shard
 * of a class without history; default 1), {@value #BYTES_PER_SECOND} (modelled network speed;
 * default 12.5e6, 100 Mbit/s), {@value #CLASS_ATTRIBUTE} (see {@link DeviceClasses}). Calls come
 * from one thread at a time (the scheduler's, or one client manager's plan at a time).
 */
public final class MedPolicy implements SchedulingPolicy {
  public static final String NAME = "med";
  public static final String SOLVE_MS = "solveMs";
  public static final String PRIOR_SECONDS_PER_SHARD = "priorSecondsPerShard";
  public static final String BYTES_PER_SECOND = "bytesPerSecond";
  public static final String CLASS_ATTRIBUTE = "classAttribute";
  /** Task durations kept per class, and how many a class needs before its own replace the prior. */
  static final int WINDOW = 200;
  static final int MIN_SAMPLES = 20;
  /** MED's states per class (the thesis's k). */
  static final int STATES = 3;

  private final IrsPolicy irs = new IrsPolicy();
  private DeviceClasses classes = new DeviceClasses(DeviceClasses.DEFAULT_ATTRIBUTE);
  private ClassDurations durations = new ClassDurations(WINDOW, STATES, MIN_SAMPLES, 1);
  private double bytesPerSecond = 12.5e6;
  private MedPlanner planner = new MedPlanner(durations, bytesPerSecond, 200);

  /** A held device: its id and public attributes. */
  public record HeldDevice(String deviceId, AttributeSource attributes) {
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void init(PolicyContext context) {
    irs.init(context);
    double solveMs = context.option(SOLVE_MS, 200);
    double prior = context.option(PRIOR_SECONDS_PER_SHARD, 1);
    bytesPerSecond = context.option(BYTES_PER_SECOND, 12.5e6);
    if (!(solveMs >= 1) || solveMs > 60_000) {
      throw new IllegalArgumentException("policy option '" + SOLVE_MS + "' must be between 1 and 60000 ms, got "
          + solveMs);
    }
    if (!(prior > 0) || Double.isInfinite(prior) || !(bytesPerSecond > 0) || Double.isInfinite(bytesPerSecond)) {
      throw new IllegalArgumentException("policy options '" + PRIOR_SECONDS_PER_SHARD + "' and '" + BYTES_PER_SECOND
          + "' must be finite numbers > 0, got " + prior + " and " + bytesPerSecond);
    }
    classes = new DeviceClasses(context.options().getOrDefault(CLASS_ATTRIBUTE, DeviceClasses.DEFAULT_ATTRIBUTE));
    durations = new ClassDurations(WINDOW, STATES, MIN_SAMPLES, prior);
    planner = new MedPlanner(durations, bytesPerSecond, (long) solveMs);
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
    irs.schedule(trigger, jobs, clients);
  }

  @Override
  public List<JobGroup> groups(JobPortal jobs, ClientPortal clients) {
    return irs.groups(jobs, clients);
  }

  /**
   * One tick's MED plan: which held devices (oldest first) serve which data-work rounds, with how
   * many shards. Rounds it cannot plan are in {@link MedPlan#fallbacks()} with the reason.
   */
  public MedPlan allocate(List<HeldDevice> held, List<MedPlanner.Round> rounds) {
    List<MedPlanner.Learner> learners = new ArrayList<>(held.size());
    for (HeldDevice d : held) {
      learners.add(new MedPlanner.Learner(d.deviceId(), classes.of(d.attributes())));
    }
    return planner.plan(learners, rounds);
  }

  /** The class MED puts a device with these public attributes in. */
  public String deviceClass(AttributeSource attributes) {
    return classes.of(attributes);
  }

  /**
   * Learns from one finished task: a device of this class was given this many shards of a round
   * with these sizes and took this long from confirm to upload. The transfers (model down and up,
   * shards down, at the modelled network speed) are taken off; what remains is training time.
   *
   * @return false when nothing was learned: no shards, or no training time left after the transfers
   */
  public boolean observe(String deviceClass, int shards, long shardBytes, long modelBytes, double seconds) {
    double train = seconds - (2.0 * modelBytes + (double) shardBytes * shards) / bytesPerSecond;
    if (shards < 1 || !(train > 0) || Double.isInfinite(train)) {
      return false;
    }
    durations.record(deviceClass, shards, train);
    return true;
  }

  /** The class's current states (learned, or the prior), as the next solve sees them. */
  public ClassDurations.States states(String deviceClass) {
    return durations.states(deviceClass);
  }
}
