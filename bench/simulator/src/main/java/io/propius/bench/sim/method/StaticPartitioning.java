package io.propius.bench.sim.method;

import io.propius.bench.sim.device.EligibilityMix;
import io.propius.bench.sim.engine.Simulation;
import io.propius.policy.ScheduleTrigger;
import java.util.Arrays;

/**
 * Static partitioning (paper §6.1): every device is assigned to one job (parameter server) it is
 * eligible for, with the number of devices per job proportional to the job's demand, and serves
 * only that job; there is no sharing, so a device whose job is between selections stays idle. A
 * device picks job {@code j} among the jobs it is eligible for with a weight
 * {@code requested_j / eligible share_j}, so that each job's expected share of the devices is
 * proportional to its demand even though rare classes have fewer eligible devices; the draw is a
 * fixed number per device, so a new partition moves as few devices as it can.
 *
 * <p>Two readings of "static": {@code static} partitions among the live jobs and partitions again
 * when a job arrives or ends (a busy device finishes its task first); {@code static-fixed}
 * partitions once among all the jobs of the trace, so devices of jobs not yet arrived or already
 * ended stay idle.
 */
public final class StaticPartitioning implements SelectionMethod {
  private final boolean fixed;
  private Simulation sim;
  private int[] assigned;
  private int unassigned;
  private long seed;

  /** @param fixed one partition for the whole trace, rather than among the live jobs */
  public StaticPartitioning(boolean fixed) {
    this.fixed = fixed;
  }

  @Override
  public String name() {
    return fixed ? "static-fixed" : "static";
  }

  @Override
  public void attach(Simulation sim) {
    this.sim = sim;
    this.assigned = new int[sim.devices.size];
    Arrays.fill(assigned, -1);
    this.unassigned = sim.jobs.count;
    this.seed = sim.settings.seed();
    if (fixed) {
      partition();
    }
  }

  @Override
  public int pools() {
    return sim.jobs.count + 1;
  }

  @Override
  public int poolOf(int device) {
    int j = assigned[device];
    return j >= 0 && sim.live(j) ? j : unassigned;
  }

  @Override
  public double usefulness(int pool) {
    return pool != unassigned && sim.open(pool) ? 1 : 0;
  }

  @Override
  public int bindUseful(int device, int pool) {
    return sim.mayServe(device, pool) ? pool : -1;
  }

  @Override
  public int checkin(int device) {
    int j = assigned[device];
    return j >= 0 && sim.open(j) && sim.mayServe(device, j) ? j : -1;
  }

  @Override
  public void jobsChanged(ScheduleTrigger trigger) {
    if (trigger == ScheduleTrigger.JOB_REGISTERED || trigger == ScheduleTrigger.JOB_FINISHED) {
      if (!fixed) {
        partition();
      }
      // A job that arrives or leaves also turns its devices' pool on or off.
      sim.idle().repartition(this::poolOf);
    }
    sim.usefulnessChanged();
  }

  private void partition() {
    var jobs = sim.jobs;
    int masks = EligibilityMix.MASKS;
    double[][] cumulative = new double[masks][];
    int[][] candidates = new int[masks][];
    for (int m = 0; m < masks; m++) {
      int n = 0;
      int[] c = new int[jobs.count];
      double[] w = new double[jobs.count];
      double sum = 0;
      for (int j = 0; j < jobs.count; j++) {
        if ((fixed || sim.live(j)) && EligibilityMix.eligible(m, jobs.jobClass[j])) {
          sum += jobs.requested[j] / EligibilityMix.share(jobs.jobClass[j]);
          c[n] = j;
          w[n++] = sum;
        }
      }
      candidates[m] = Arrays.copyOf(c, n);
      cumulative[m] = Arrays.copyOf(w, n);
    }
    for (int d = 0; d < assigned.length; d++) {
      int m = sim.devices.mask[d];
      int[] c = candidates[m];
      if (c.length == 0) {
        assigned[d] = -1;
        continue;
      }
      double[] w = cumulative[m];
      double u = unit(d) * w[w.length - 1];
      int k = 0;
      while (k < w.length - 1 && w[k] <= u) {
        k++;
      }
      assigned[d] = c[k];
    }
  }

  /** A fixed number in [0, 1) per device. */
  private double unit(int device) {
    long z = seed + (device + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }
}
