package io.propius.bench.sim.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Run results as CSV, one row per run. */
public final class CsvReport {
  public static final String HEADER = "method,active,devices,mean_online,jobs,seed,completed,aborted,unfinished,"
      + "makespan_h,utilization,binding_throughput_per_s,avg_jct_h,p95_jct_h,avg_sched_delay_s,round_failure_rate,"
      + "bindings,fruitless_checkins,tasks_failed_offline,tasks_cancelled,round_attempts,events,wall_s,events_per_s,cpu_s,events_per_cpu_s";

  private CsvReport() {
  }

  public static String row(RunResult r, int active, long seed) {
    var c = r.counters();
    return String.format(Locale.ROOT,
        "%s,%d,%d,%.1f,%d,%d,%d,%d,%d,%.3f,%.5f,%.4f,%.3f,%.3f,%.2f,%.4f,%d,%d,%d,%d,%d,%d,%.2f,%.0f,%.2f,%.0f",
        r.method(), active, r.devices(), r.meanOnline(), r.jobs(), seed, r.completed(), r.aborted(), r.unfinished(),
        r.makespanS() / 3600, r.utilization(), r.bindingThroughput(), r.avgJctS() / 3600, r.p95JctS() / 3600,
        r.avgSchedDelayS(), r.roundFailureRate(), c.bindings(), c.fruitlessCheckins(), c.tasksFailedOffline(),
        c.tasksCancelled(), c.roundAttempts(), c.events(), r.wallS(), r.eventsPerSecond(), r.cpuS(),
        r.eventsPerCpuSecond());
  }

  public static void write(Path file, List<String> rows) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, Stream.concat(Stream.of(HEADER), rows.stream()).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
