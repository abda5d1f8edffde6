package io.propius.bench.sim.report;

import io.propius.bench.sim.job.JobSpecs;
import java.util.Arrays;

/**
 * What one run measured, with the paper's metric definitions (§6.2):
 * <ul>
 *   <li>resource utilization: device time spent on tasks that contributed to a completed round,
 *       divided by the online device time over the jobs' span (the paper's average participation
 *       time over the overall completion time, counting only devices that could participate);</li>
 *   <li>binding throughput: device-job bindings per second of the jobs' span;</li>
 *   <li>job completion time (JCT): arrival to last round, over the jobs that completed; average and
 *       95th percentile ({@link #commonJct} compares two methods over the jobs both completed);</li>
 *   <li>scheduling delay: per round attempt, time from the request until the round had all the
 *       devices it asked for (or ended, if it never did);</li>
 *   <li>round failure rate: attempts that missed their deadline over all attempts.</li>
 * </ul>
 * The makespan runs from the first job's arrival to the last job's end (finished or given up), or
 * to the horizon when some job was still running. {@code cpuS} is the CPU time of both simulating
 * threads, {@code mainCpuS} that of the main one (the availability timeline runs beside it), and
 * {@code pathCpuS} the main one's plus the timeline's after the last job (while the main one only
 * waits for the count): the work in line, which the wall time comes to on free cores.
 */
public record RunResult(String method, int devices, double meanOnline, int jobs, int completed, int aborted,
    int unfinished, double makespanS, double utilization, double bindingThroughput, double avgJctS, double p95JctS,
    double avgSchedDelayS, double roundFailureRate, Counters counters, double wallS, double cpuS, double mainCpuS,
    double pathCpuS, double[] jctByJob) {

  /** Raw counts of a run. */
  public record Counters(long events, long bindings, long fruitlessCheckins, long tasksFailedOffline,
      long tasksCancelled, long roundAttempts, long roundFailures, double contributingS, double wastedS,
      double onlineDeviceS) {
  }

  /**
   * Average JCT of this run and of another run of the same jobs, over the jobs both completed (so a
   * method that gives up on the hard jobs does not look faster); NaN when they share none.
   *
   * @return {this run's average, the other's}
   */
  public double[] commonJct(RunResult other) {
    double a = 0;
    double b = 0;
    int n = 0;
    for (int j = 0; j < Math.min(jctByJob.length, other.jctByJob.length); j++) {
      if (!Double.isNaN(jctByJob[j]) && !Double.isNaN(other.jctByJob[j])) {
        a += jctByJob[j];
        b += other.jctByJob[j];
        n++;
      }
    }
    return n == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {a / n, b / n};
  }

  /** Events per second of wall-clock time. */
  public double eventsPerSecond() {
    return counters.events() / Math.max(wallS, 1e-9);
  }

  /** Events per second of CPU time of the simulating threads (the main one and the availability timeline). */
  public double eventsPerCpuSecond() {
    return counters.events() / Math.max(cpuS, 1e-9);
  }

  /** Final job states in the state array {@link #of} reads. */
  public static final int DONE = 2;
  public static final int ABORTED = 3;

  public static RunResult of(String method, int devices, JobSpecs specs, double endS, int[] state, double[] jobEnd,
      int[] roundsDone, double[] schedDelay, Counters c, long wallNanos, long cpuNanos, long mainCpuNanos, long pathCpuNanos) {
    int completed = 0;
    int aborted = 0;
    double lastEnd = 0;
    double[] jct = new double[specs.count];
    double[] byJob = new double[specs.count];
    Arrays.fill(byJob, Double.NaN);
    boolean running = false;
    for (int j = 0; j < specs.count; j++) {
      if (state[j] == DONE) {
        jct[completed++] = jobEnd[j] - specs.arrivalS[j];
        byJob[j] = jobEnd[j] - specs.arrivalS[j];
      } else if (state[j] == ABORTED) {
        aborted++;
      } else {
        running = true;
      }
      if (!Double.isNaN(jobEnd[j])) {
        lastEnd = Math.max(lastEnd, jobEnd[j]);
      }
    }
    double first = specs.arrivalS[0];
    double makespan = Math.max(1e-9, (running ? endS : lastEnd) - first);
    double[] done = Arrays.copyOf(jct, completed);
    Arrays.sort(done);
    double avg = completed == 0 ? Double.NaN : Arrays.stream(done).average().orElse(Double.NaN);
    double p95 = completed == 0 ? Double.NaN : done[Math.min(completed - 1, (int) Math.ceil(0.95 * completed) - 1)];
    double delay = Arrays.stream(schedDelay).sum() / Math.max(1, c.roundAttempts());
    return new RunResult(method, devices, c.onlineDeviceS() / makespan, specs.count, completed, aborted,
        specs.count - completed - aborted, makespan, c.contributingS() / Math.max(c.onlineDeviceS(), 1e-9),
        c.bindings() / makespan, avg, p95, delay, (double) c.roundFailures() / Math.max(1, c.roundAttempts()), c,
        wallNanos / 1e9, cpuNanos / 1e9, mainCpuNanos / 1e9, pathCpuNanos / 1e9, byJob);
  }
}
