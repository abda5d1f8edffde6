package io.propius.bench.sim.method;

import io.propius.bench.sim.device.EligibilityMix;
import io.propius.bench.sim.engine.Simulation;
import io.propius.bench.sim.portal.SimClientPortal;
import io.propius.bench.sim.portal.SimJobRows;
import io.propius.policy.PolicyContext;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import io.propius.policy.batch.GroupAssigner;
import io.propius.policy.portal.TableJobPortal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Propius in small-batch mode (paper §3.2): devices that check in are held; on every batch tick
 * the configured policy (the server's class) returns job groups through
 * {@link SchedulingPolicy#groups}, and the server's {@link GroupAssigner} gives the held devices to
 * the groups' jobs. Devices not assigned stay idle and are held again when they next check in.
 *
 * <p>The held devices of a tick are the idle devices that checked in during it: per eligibility
 * mask, a binomial draw with {@code p = 1 - exp(-tick / check-in interval)}. Devices of one mask
 * are alike to the policy, so at most as many per mask as the open jobs could take are passed to
 * the assigner, in a random order (the server passes them oldest first).
 */
public final class SmallBatchPropius implements SelectionMethod {
  private final SchedulingPolicy policy;
  private Simulation sim;
  private SimClientPortal clients;
  private TableJobPortal portal;
  private double[] scores;

  public SmallBatchPropius(SchedulingPolicy policy) {
    this.policy = policy;
  }

  @Override
  public String name() {
    return "batch-" + policy.name();
  }

  @Override
  public void attach(Simulation sim) {
    this.sim = sim;
    this.scores = new double[sim.jobs.count];
    policy.init(new PolicyContext(() -> (long) (sim.now() * 1000), sim.settings.seed(), Map.of()));
  }

  @Override
  public boolean batched() {
    return true;
  }

  @Override
  public int pools() {
    return EligibilityMix.MASKS;
  }

  @Override
  public int poolOf(int device) {
    return sim.devices.mask[device];
  }

  @Override
  public double usefulness(int pool) {
    return 0;
  }

  @Override
  public int bindUseful(int device, int pool) {
    return -1;
  }

  @Override
  public int checkin(int device) {
    return -1;
  }

  @Override
  public void jobsChanged(ScheduleTrigger trigger) {
  }

  @Override
  public void batchTick(double tickS) {
    var jobs = sim.jobs;
    Map<Long, GroupAssigner.OpenJob> open = new HashMap<>();
    int[] wantedByMask = new int[EligibilityMix.MASKS];
    for (int j = 0; j < jobs.count; j++) {
      if (sim.open(j)) {
        int wanted = jobs.requested[j] - sim.bound(j);
        open.put(SimJobRows.id(j), new GroupAssigner.OpenJob(SimJobRows.id(j), wanted,
            SimJobRows.constraints(jobs.jobClass[j])));
        for (int m = 0; m < EligibilityMix.MASKS; m++) {
          if (EligibilityMix.eligible(m, jobs.jobClass[j])) {
            wantedByMask[m] += wanted;
          }
        }
      }
    }
    if (open.isEmpty()) {
      return;
    }
    // The devices held this tick, drawn (and taken out of their pools while assigning).
    var idle = sim.idle();
    var random = sim.random();
    double p = 1 - Math.exp(-tickS / sim.settings.checkinIntervalS());
    List<Integer> held = new ArrayList<>();
    for (int m = 0; m < EligibilityMix.MASKS; m++) {
      int k = Math.min(binomial(idle.size(m), p), wantedByMask[m]);
      for (int i = 0; i < k; i++) {
        int d = idle.random(m, random);
        idle.remove(d);
        held.add(d);
      }
    }
    Collections.shuffle(held, new Random(random.nextLong()));
    List<GroupAssigner.Device> devices = new ArrayList<>(held.size());
    for (int i = 0; i < held.size(); i++) {
      devices.add(new GroupAssigner.Device(Integer.toString(i), SimClientPortal.attributes(sim.devices.mask[held.get(i)])));
    }
    for (int d : held) {
      idle.add(d, poolOf(d));
    }
    if (clients == null) {
      clients = new SimClientPortal(idle);
    }
    var rows = SimJobRows.live(sim, scores);
    portal = portal == null ? new TableJobPortal(rows) : portal.next(rows);
    var groups = policy.groups(portal, clients);
    portal.scores().forEach((id, score) -> scores[SimJobRows.index(id)] = score);
    for (GroupAssigner.Assignment a : new GroupAssigner(groups).assign(devices, open)) {
      int d = held.get(Integer.parseInt(a.deviceId()));
      int j = SimJobRows.index(a.jobId());
      if (sim.open(j) && sim.mayServe(d, j)) {
        sim.assign(d, j);
      }
    }
  }

  private int binomial(int n, double p) {
    var random = sim.random();
    if (n < 64) {
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (random.nextDouble() < p) {
          k++;
        }
      }
      return k;
    }
    double mean = n * p;
    double sd = Math.sqrt(mean * (1 - p));
    double u = 1 - random.nextDouble();
    double g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    return (int) Math.max(0, Math.min(n, Math.round(mean + sd * g)));
  }
}
