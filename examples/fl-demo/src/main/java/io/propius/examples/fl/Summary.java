package io.propius.examples.fl;

import io.propius.examples.fl.device.FleetStats;
import io.propius.examples.fl.device.SimulatedDevice;
import io.propius.examples.fl.job.JobSettings;
import io.propius.examples.fl.job.RoundReport;
import java.io.PrintStream;
import java.util.List;

/** The table printed at the end of the demo. */
final class Summary {
  private Summary() {
  }

  static void print(PrintStream out, List<FlDemo.JobOutcome> outcomes, FleetStats stats, List<SimulatedDevice> devices,
                    long wallMs) {
    out.println();
    out.printf("%-13s %-6s %-31s %-13s %6s %8s %9s %9s %8s %8s %8s%n", "job", "model", "constraints (public; private)",
        "round mode", "rounds", "dev/rnd", "mean fill", "results", "acc t=0", "acc end", "chance");
    for (FlDemo.JobOutcome o : outcomes) {
      JobSettings s = o.job().settings();
      List<RoundReport> r = o.job().reports();
      double fill = r.stream().mapToLong(RoundReport::fillMs).average().orElse(0) / 1000;
      double results = r.stream().mapToLong(RoundReport::contributors).average().orElse(0);
      String constraints = s.task().equals("blobs") ? "cpu_cores>=2; dataset_size>=40" : "ram_gb>=4; battery>=30";
      out.printf("%-13s %-6s %-31s %-13s %6d %8d %8.2fs %9.1f %8.3f %8.3f %8.3f%n", s.spec().name(), s.model(),
          constraints, s.modeLabel(), r.size(), s.requested(), fill, results, o.initialAccuracy(), o.finalAccuracy(),
          o.chance());
    }
    long declined = devices.stream().mapToLong(SimulatedDevice::declined).sum();
    out.printf("%ndevices: %d; tasks %d, results uploaded %d (duplicates %d, too late for a closed round %d),"
            + " check-ins with every offer declined privately %d,%nDAB: %d tasks found no shard fitting the deadline, %d shards trained, %d shards left out"
            + " to meet deadlines; %d Subset Benchmarks; %d failed calls; wall time %.1f s%n",
        devices.size(), stats.tasks.get(), stats.uploads.get(), stats.duplicates.get(), stats.late.get(), declined,
        stats.tooSlow.get(),
        stats.shardsTrained.get(), stats.shardsLeftOut.get(), stats.benchmarks.get(), stats.failures.get(),
        wallMs / 1000.0);
    if (!stats.failuresByCode.isEmpty()) {
      out.println("failed calls by code: " + new java.util.TreeMap<>(stats.failuresByCode));
    }
  }
}
