package io.propius.policy.builtin;

import io.propius.policy.ClientPortal;
import io.propius.policy.JobFields;
import io.propius.policy.JobGroup;
import io.propius.policy.JobPortal;
import io.propius.policy.PolicyContext;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import io.propius.policy.builtin.EligibilityClasses.Atom;
import io.propius.policy.builtin.EligibilityClasses.EligibilityClass;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Intersection resource scheduling (IRS), after Venn, the successor of Propius: jobs whose device
 * requirements overlap are scheduled so that scarce devices go to the jobs that can use little
 * else, unless that would delay more jobs elsewhere. Name {@code irs}.
 *
 * <p>The exact algorithm, run over the jobs with an open unfilled round ({@code demand - amount}
 * devices still wanted, the job's <i>remaining demand</i>) and the devices of the client window:
 * <ol>
 *   <li><b>Fairness boost</b> (only with option {@code fairness} f &gt; 0): a job's wait is
 *       {@code now - start_sched}; its fair share of waiting is the mean wait of the open jobs. A job
 *       waiting more than {@code mean / f} is <i>boosted</i>: it leaves the steps below and goes into
 *       a first group (longest wait first). f = 1 boosts every job above the mean; f = 0.5 those
 *       above twice the mean. With fewer than two open jobs nobody is boosted.</li>
 *   <li><b>Classes</b>: the other jobs are grouped by eligibility class (equal public constraints).
 *       The window's devices are split into atoms by the set of classes they are eligible for
 *       ({@link ClientPortal#partition}). A class's <i>supply</i> is the devices eligible for it.
 *       Classes are ordered from scarcest to most common supply (ties: query text).</li>
 *   <li><b>Initial allocation</b>: each atom goes to the scarcest class eligible for it, so a class
 *       gets the devices that no scarcer class can use. {@code alloc(c) = max(1, devices)}; each
 *       class keeps its jobs' remaining demands in ascending order, each with the supply it sees,
 *       initially {@code alloc(c)}.</li>
 *   <li><b>Absorption</b>, from the most common class C down to the scarcest: C (unless it was
 *       absorbed itself) looks at the next scarcer class S, then the one after, and so on, stopping
 *       at the first S it does not absorb. With {@code delay(X) = Σ demand_i / supply_i} over X's
 *       jobs, the <i>affected</i> number of C's jobs is all of them when
 *       {@code delay(C) <= delay(S)}, otherwise the number of C's jobs (smallest demand first)
 *       whose running sum of {@code demand_i / supply_i} stays below {@code delay(S)}. C absorbs S
 *       when {@code affected / alloc(C) > jobs(S) / alloc(S)}: C's jobs that would wait are more per
 *       device than S's. Then {@code alloc(C) += alloc(S)}, every supply C's jobs see grows by
 *       {@code alloc(S)}, S's jobs (with their supplies) join C's list, and S is empty.</li>
 *   <li><b>Groups</b>: one job group per class that was not absorbed, together with the classes it
 *       absorbed; placed at the position of its scarcest member; its query is any member's
 *       eligibility; its jobs are all members' jobs, smallest remaining demand first (ties: id).
 *       Because groups are applied in order and a device falls through to later groups when no job
 *       of a group can use it, a device goes to the scarcest class that can use it first, which is
 *       step 3, and nothing is left idle that some job could use.</li>
 * </ol>
 * In small-batch mode the result is the groups ({@link #groups}); in online mode the scores are the
 * same order: the groups' jobs concatenated, the first scoring highest.
 *
 * <p>One deliberate difference from Venn's reference code: there an absorbed class's jobs get no
 * devices until the next plan; here they stay in the absorbing group and compete by remaining
 * demand, so an absorption never starves a job that could be served.
 */
public final class IrsPolicy implements SchedulingPolicy {
  /** Policy option: the fairness knob f (0, the default, turns the boost off). */
  public static final String FAIRNESS = "fairness";

  private double fairness;
  private LongSupplier clock = System::currentTimeMillis;

  @Override
  public String name() {
    return "irs";
  }

  @Override
  public void init(PolicyContext context) {
    fairness = context.option(FAIRNESS, 0);
    if (!(fairness >= 0) || Double.isInfinite(fairness)) {
      throw new IllegalArgumentException("policy option 'fairness' must be a number >= 0, got " + fairness);
    }
    clock = context.clock();
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
    List<JobGroup> plan = groups(jobs, clients);
    int total = plan.stream().mapToInt(g -> g.jobIds().size()).sum();
    int rank = 0;
    for (JobGroup g : plan) {
      for (long id : g.jobIds()) {
        jobs.setScore(id, total - rank++);
      }
    }
  }

  @Override
  public List<JobGroup> groups(JobPortal jobs, ClientPortal clients) {
    List<Long> open = jobs.query(OPEN_ROUNDS);
    List<JobGroup> plan = new ArrayList<>();
    List<Long> boosted = boosted(jobs, open);
    if (!boosted.isEmpty()) {
      plan.add(JobGroup.ordered(EligibilityClasses.anyOf(boosted.stream()
          .map(id -> jobs.publicConstraints(id).toQuery().toString()).distinct().toList()), boosted));
      open = open.stream().filter(id -> !boosted.contains(id)).toList();
    }
    if (open.isEmpty()) {
      return plan;
    }
    EligibilityClasses ec = EligibilityClasses.of(open, jobs, clients);
    plan.addAll(classGroups(ec, jobs));
    return plan;
  }

  /** Step 1: open jobs waiting more than mean / fairness, longest wait first. */
  private List<Long> boosted(JobPortal jobs, List<Long> open) {
    if (fairness <= 0 || open.size() < 2) {
      return List.of();
    }
    long now = clock.getAsLong();
    Map<Long, Double> wait = new HashMap<>();
    double sum = 0;
    for (long id : open) {
      double w = Math.max(0, now - jobs.field(id, JobFields.START_SCHED));
      wait.put(id, w);
      sum += w;
    }
    double threshold = sum / open.size() / fairness;
    return open.stream().filter(id -> wait.get(id) > threshold)
        .sorted(Comparator.<Long>comparingDouble(id -> -wait.get(id)).thenComparing(id -> id)).toList();
  }

  /** Steps 2-5. */
  private static List<JobGroup> classGroups(EligibilityClasses ec, JobPortal jobs) {
    int k = ec.classes.size();
    long[] supply = new long[k];
    for (int c = 0; c < k; c++) {
      supply[c] = ec.supply(c);
    }
    // order[p] = class at position p, scarcest first
    List<Integer> order = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      order.add(c);
    }
    order.sort(Comparator.<Integer>comparingLong(c -> supply[c]).thenComparing(c -> ec.classes.get(c).query()));
    int[] position = new int[k];
    for (int p = 0; p < k; p++) {
      position[order.get(p)] = p;
    }

    long[] devices = new long[k];
    for (Atom a : ec.atoms) {
      int scarcest = -1;
      for (int c = a.classes().nextSetBit(0); c >= 0; c = a.classes().nextSetBit(c + 1)) {
        if (scarcest < 0 || position[c] < position[scarcest]) {
          scarcest = c;
        }
      }
      devices[scarcest] += a.devices();
    }
    double[] alloc = new double[k];
    List<List<Double>> demands = new ArrayList<>();
    List<List<Double>> supplies = new ArrayList<>();
    List<List<Integer>> members = new ArrayList<>();
    int[] queue = new int[k];
    for (int c = 0; c < k; c++) {
      EligibilityClass cls = ec.classes.get(c);
      alloc[c] = Math.max(1, devices[c]);
      List<Double> d = new ArrayList<>();
      List<Double> s = new ArrayList<>();
      for (int r : cls.remaining()) {
        d.add((double) r);
        s.add(alloc[c]);
      }
      demands.add(d);
      supplies.add(s);
      members.add(new ArrayList<>(List.of(c)));
      queue[c] = cls.jobs().size();
    }

    for (int p = k - 1; p >= 0; p--) {
      int c = order.get(p);
      if (queue[c] == 0) {
        continue; // absorbed by a more common class
      }
      for (int q = p - 1; q >= 0; q--) {
        int s = order.get(q);
        double affected = affected(demands.get(c), supplies.get(c), demands.get(s), supplies.get(s));
        if (!(affected / alloc[c] > queue[s] / alloc[s])) {
          break;
        }
        double absorbed = alloc[s];
        alloc[c] += absorbed;
        queue[c] += queue[s];
        List<Double> grown = new ArrayList<>();
        for (double x : supplies.get(c)) {
          grown.add(x + absorbed);
        }
        grown.addAll(supplies.get(s));
        supplies.set(c, grown);
        demands.get(c).addAll(demands.get(s));
        members.get(c).addAll(members.get(s));
        alloc[s] = 0;
        queue[s] = 0;
        demands.set(s, new ArrayList<>());
        supplies.set(s, new ArrayList<>());
        members.set(s, new ArrayList<>());
      }
    }

    List<List<Integer>> survivors = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      if (!members.get(c).isEmpty()) {
        survivors.add(members.get(c));
      }
    }
    survivors.sort(Comparator.comparingInt(m -> m.stream().mapToInt(c -> position[c]).min().orElseThrow()));
    List<JobGroup> groups = new ArrayList<>();
    for (List<Integer> m : survivors) {
      m.sort(Comparator.comparingInt(c -> position[c]));
      List<Long> ids = new ArrayList<>();
      for (int c : m) {
        ids.addAll(ec.classes.get(c).jobs());
      }
      ids.sort(Comparator.<Long>comparingInt(id -> EligibilityClasses.remaining(jobs, id)).thenComparing(id -> id));
      groups.add(JobGroup.ordered(EligibilityClasses.anyOf(m.stream().map(c -> ec.classes.get(c).query()).toList()),
          ids));
    }
    return groups;
  }

  /** Step 4's affected number of the common class's jobs. */
  static double affected(List<Double> demands, List<Double> supplies, List<Double> targetDemands,
                         List<Double> targetSupplies) {
    double original = delay(demands, supplies);
    double target = delay(targetDemands, targetSupplies);
    if (original <= target) {
      return demands.size();
    }
    double sum = 0;
    for (int i = 0; i < demands.size(); i++) {
      sum += demands.get(i) / supplies.get(i);
      if (sum >= target) {
        return i;
      }
    }
    return demands.size();
  }

  private static double delay(List<Double> demands, List<Double> supplies) {
    double sum = 0;
    for (int i = 0; i < demands.size(); i++) {
      sum += demands.get(i) / supplies.get(i);
    }
    return sum;
  }
}
