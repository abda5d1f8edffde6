package io.propius.bench.dataplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says of a process's CPUs: which ones it may run on, and its CPU time without its JIT
 * compiler threads. A JVM started for a measurement compiles
 * for a long time on a loaded machine (its C1 and C2 threads took 40 % of a 1 MB upload run's
 * samples under {@code perf}), which a server that has been up for a while does not; GC, the event
 * loops and every other thread count. Read from {@code /proc/<pid>/task/*}{@code /stat} (Linux);
 * elsewhere the whole process's time. The JDK gives only the whole process's time, or one thread's
 * of the calling JVM, hence this.
 */
final class ProcessCpu {
  /** {@code getconf CLK_TCK}: 100 on every Linux this runs on. */
  private static final long CLOCK_TICKS = 100;

  private ProcessCpu() {
  }

  /** CPU time {@code process} has used so far, every thread but the JIT compilers', in ns. */
  static long withoutJitNanos(ProcessHandle process) {
    Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
    if (!Files.isDirectory(tasks)) {
      return process.info().totalCpuDuration()
          .orElseThrow(() -> new IllegalStateException("the OS gives no CPU time for pid " + process.pid()))
          .toNanos();
    }
    long ticks = 0;
    try (var threads = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) threads::iterator) {
        ticks += nonCompilerTicks(t);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ticks * 1_000_000_000L / CLOCK_TICKS;
  }

  /**
   * The CPUs {@code process} may run on, as {@code taskset -c} lists them ({@code Cpus_allowed_list}
   * in {@code /proc/<pid>/status}), or "any" where there is no such file.
   */
  static String allowedCpus(ProcessHandle process) {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    if (!Files.isReadable(status)) {
      return "any";
    }
    try (var lines = Files.lines(status)) {
      return lines.filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst().orElse("any");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A thread's user + system time in clock ticks, or 0 for a JIT compiler thread (or one that ended). */
  private static long nonCompilerTicks(Path task) {
    try {
      String stat = Files.readString(task.resolve("stat"));
      int close = stat.lastIndexOf(')');
      String name = stat.substring(stat.indexOf('(') + 1, close);
      if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
        return 0;
      }
      // After the name: state, then fields 4.. of proc(5); utime and stime are fields 14 and 15.
      String[] fields = stat.substring(close + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
