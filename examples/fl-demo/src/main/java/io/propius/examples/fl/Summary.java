package io.propius.examples.fl;

import io.propius.examples.fl.device.FleetStats;
import io.propius.examples.fl.device.SimulatedDevice;
import io.propius.examples.fl.job.FederatedJob;
import io.propius.examples.fl.job.JobSettings;
import io.propius.examples.fl.job.RoundReport;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;

/** The table printed at the end of the demo. */
final class Summary {
  /** The accuracy whose time-to-accuracy the table shows. */
  static final double TARGET_ACCURACY = 0.75;

  private Summary() {
  }

  static void print(PrintStream out, String label, List<FederatedJob> jobs, FleetStats stats,
                    List<SimulatedDevice> devices, long wallMs) {
    out.println();
    out.printf("%s%-15s %-6s %-27s %-15s %6s %7s %9s %7s %7s %7s %8s %11s%n", label, "job", "model",
        "constraints (public; priv.)", "round mode", "rounds", "dev/rnd", "mean fill", "results", "acc t=0", "acc end",
        "t->75%", "failed/late");
    for (FederatedJob job : jobs) {
      JobSettings s = job.settings();
      List<RoundReport> r = job.reports();
      double fill = r.stream().mapToLong(RoundReport::fillMs).average().orElse(0) / 1000;
      double bound = r.stream().mapToInt(RoundReport::bound).average().orElse(0);
      double results = r.stream().mapToLong(RoundReport::contributors).average().orElse(0);
      OptionalLong t75 = job.timeToAccuracyMs(TARGET_ACCURACY);
      FleetStats.JobTaskStats js = stats.job(job.jobId());
      out.printf("%s%-15s %-6s %-27s %-15s %6d %7.1f %8.2fs %7.1f %7.3f %7.3f %8s %11s%n", label, s.name(), s.model(),
          s.constraints(), s.modeLabel(), r.size(), bound, fill, results, job.initial().accuracy(),
          job.finalAccuracy(), t75.isPresent() ? String.format("%.1fs", t75.getAsLong() / 1000.0) : "never",
          js.failed.get() + "/" + js.late.get());
    }
    long declined = devices.stream().mapToLong(SimulatedDevice::declined).sum();
    out.printf("%n%sdevices: %d; tasks %d, results uploaded %d (duplicates %d), late (round closed or too stale) %d,"
            + " abandoned by a device going offline %d;%n%scheck-ins with every offer declined privately %d;"
            + " DAB: %d tasks found no shard fitting the deadline, %d shards trained, %d left out to meet deadlines;"
            + "%n%s%d Subset Benchmarks; %d failed calls; wall time %.1f s%n",
        label, devices.size(), stats.tasks.get(), stats.uploads.get(), stats.duplicates.get(), stats.late.get(),
        stats.dropped.get(), label, declined, stats.tooSlow.get(), stats.shardsTrained.get(),
        stats.shardsLeftOut.get(), label, stats.benchmarks.get(), stats.failures.get(), wallMs / 1000.0);
    if (!stats.failuresByCode.isEmpty()) {
      out.println(label + "failed calls by code: " + new TreeMap<>(stats.failuresByCode));
    }
  }
}
