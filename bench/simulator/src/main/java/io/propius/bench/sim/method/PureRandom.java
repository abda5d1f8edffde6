package io.propius.bench.sim.method;

import io.propius.bench.sim.device.EligibilityMix;
import io.propius.bench.sim.engine.Simulation;
import io.propius.policy.ScheduleTrigger;
import java.util.Arrays;

/**
 * Pure random selection (paper §6.1, as Apple's and Meta's systems do it): a device does not know
 * which jobs are selecting devices; it asks a uniformly random live job, which takes it only if the
 * device meets its constraints and the job's round still needs devices. A refused device has paid a
 * handshake for nothing and asks again at its next check-in.
 */
public final class PureRandom implements SelectionMethod {
  private Simulation sim;
  /** Per mask: open jobs the mask is eligible for, as a share of the live jobs. */
  private final double[] usefulness = new double[EligibilityMix.MASKS];
  private int[] live = new int[0];
  private boolean stale = true;

  @Override
  public String name() {
    return "random";
  }

  @Override
  public void attach(Simulation sim) {
    this.sim = sim;
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
    refresh();
    return usefulness[pool];
  }

  @Override
  public int bindUseful(int device, int pool) {
    // Conditioned on success: uniform over the open jobs the device is eligible for.
    int n = 0;
    for (int j : live) {
      if (acceptable(j, pool)) {
        n++;
      }
    }
    int pick = sim.random().nextInt(n);
    for (int j : live) {
      if (acceptable(j, pool) && pick-- == 0) {
        return sim.mayServe(device, j) ? j : -1;
      }
    }
    throw new IllegalStateException("no job for a useful check-in");
  }

  @Override
  public int checkin(int device) {
    refresh();
    if (live.length == 0) {
      return -1;
    }
    int j = live[sim.random().nextInt(live.length)];
    return acceptable(j, sim.devices.mask[device]) && sim.mayServe(device, j) ? j : -1;
  }

  @Override
  public void jobsChanged(ScheduleTrigger trigger) {
    stale = true;
    sim.usefulnessChanged();
  }

  private boolean acceptable(int job, int mask) {
    return sim.open(job) && EligibilityMix.eligible(mask, sim.jobs.jobClass[job]);
  }

  private void refresh() {
    if (!stale) {
      return;
    }
    stale = false;
    int n = 0;
    int[] ids = new int[sim.jobs.count];
    for (int j = 0; j < sim.jobs.count; j++) {
      if (sim.live(j)) {
        ids[n++] = j;
      }
    }
    live = Arrays.copyOf(ids, n);
    for (int m = 0; m < usefulness.length; m++) {
      int ok = 0;
      for (int j : live) {
        if (acceptable(j, m)) {
          ok++;
        }
      }
      usefulness[m] = n == 0 ? 0 : (double) ok / n;
    }
  }
}
