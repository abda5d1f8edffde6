package io.propius.bench.sim.method;

import io.propius.policy.PolicyContext;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import io.propius.policy.portal.TableJobPortal;
import io.propius.bench.sim.device.EligibilityMix;
import io.propius.bench.sim.engine.Simulation;
import io.propius.bench.sim.portal.SimClientPortal;
import io.propius.bench.sim.portal.SimJobRows;
import java.util.Arrays;
import java.util.Map;

/**
 * Propius in online mode (paper §3.2): the configured {@link SchedulingPolicy}, the very class the
 * server loads, scores the live jobs through a {@link TableJobPortal} and a client portal; a device
 * that checks in is bound to the highest-scoring open job whose public constraint it meets (ties:
 * lower job id, as the server's schedule snapshot orders them). The policy re-runs after every job
 * event (coalesced within one simulated instant) and on the scheduler tick while bindings happen.
 */
public final class OnlinePropius implements SelectionMethod {
  private final SchedulingPolicy policy;
  private Simulation sim;
  private SimClientPortal clients;
  private TableJobPortal portal;
  private double[] scores;
  /** Per eligibility mask: the open jobs it may serve, best first. */
  private final int[][] orderByMask = new int[EligibilityMix.MASKS][0];
  private boolean stale = true;
  private ScheduleTrigger trigger = ScheduleTrigger.TICK;
  private long policyRuns;

  public OnlinePropius(SchedulingPolicy policy) {
    this.policy = policy;
  }

  @Override
  public String name() {
    return "propius-" + policy.name();
  }

  @Override
  public void attach(Simulation sim) {
    this.sim = sim;
    this.scores = new double[sim.jobs.count];
    policy.init(new PolicyContext(() -> (long) (sim.now() * 1000), sim.settings.seed(), Map.of()));
  }

  // SmallBatchPropius and PureRandom pool by eligibility mask too, and attach the same way: a few
  // one-line overrides each, which read more plainly than a base class shared by three methods.
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
    refresh();
    return orderByMask[pool].length > 0 ? 1 : 0;
  }

  @Override
  public int bindUseful(int device, int pool) {
    return checkin(device);
  }

  @Override
  public int checkin(int device) {
    refresh();
    for (int j : orderByMask[sim.devices.mask[device]]) {
      if (sim.open(j) && sim.mayServe(device, j)) {
        return j;
      }
    }
    return -1;
  }

  @Override
  public void jobsChanged(ScheduleTrigger trigger) {
    this.trigger = trigger;
    stale = true;
    sim.usefulnessChanged();
  }

  public long policyRuns() {
    return policyRuns;
  }

  private void refresh() {
    if (!stale) {
      return;
    }
    stale = false;
    if (clients == null) {
      clients = new SimClientPortal(sim.idle());
    }
    var rows = SimJobRows.live(sim, scores);
    portal = portal == null ? new TableJobPortal(rows) : portal.next(rows);
    policy.schedule(trigger, portal, clients);
    policyRuns++;
    portal.scores().forEach((id, score) -> scores[SimJobRows.index(id)] = score);
    Integer[] open = new Integer[sim.jobs.count];
    int n = 0;
    for (int j = 0; j < sim.jobs.count; j++) {
      if (sim.open(j)) {
        open[n++] = j;
      }
    }
    Integer[] sorted = Arrays.copyOf(open, n);
    Arrays.sort(sorted, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
    for (int m = 0; m < EligibilityMix.MASKS; m++) {
      int mask = m;
      orderByMask[m] = Arrays.stream(sorted).mapToInt(Integer::intValue)
          .filter(j -> EligibilityMix.eligible(mask, sim.jobs.jobClass[j])).toArray();
    }
  }
}
