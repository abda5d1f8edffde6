package io.propius.bench.dataplane;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one journal group commit costs apart from encoding it, in CPU: the page-cache write of its
 * record and the two thread hand-offs around it. The write is measured on one thread per record of
 * {@code --record-kb} (a 30 KB upload's batch state is 63 KB), three ways, alternating:
 * <ul>
 *   <li>appended to a file that grows, as the journal writes today;</li>
 *   <li>preallocated: the file zero-filled ahead in 1 MB writes, then the records written over the
 *       zeros (what preallocating the journal would cost: both parts are printed);</li>
 *   <li>mapped: the zero-filled pages mapped, touched once, and the records copied into the mapping
 *       (what an append by memory copy would cost its caller).</li>
 * </ul>
 * The hand-off is measured as the journal makes it: an event loop hands a task that does nothing to
 * a one-thread worker executor and is told on the loop when it is done, once every
 * {@code --period-us} (both threads idle in between, as under a light load), against the same loop
 * with the same timer and no hand-off; the process's CPU (every thread but the JIT compilers') per
 * tick, with the Vert.x metrics off, as a bare Vert.x.
 *
 * <p>{@code java -cp bench/dataplane/target/dataplane-bench.jar io.propius.bench.dataplane.JournalWriteCost
 * [--record-kb 63] [--file-mb 64] [--ticks 8000] [--period-us 1000] [--rounds 3] [--dir DIR]}
 */
@Command(name = "journal-write-cost", mixinStandardHelpOptions = true,
    description = "CPU of a journal commit's page-cache write (append, preallocated, mapped) and of its thread hand-off.")
public final class JournalWriteCost implements Runnable {
  @Option(names = "--record-kb", paramLabel = "KB", description = "bytes per record (default ${DEFAULT-VALUE})")
  int recordKb = 63;
  @Option(names = "--file-mb", paramLabel = "MB", description = "bytes written per measurement (default ${DEFAULT-VALUE})")
  int fileMb = 64;
  @Option(names = "--ticks", paramLabel = "N", description = "hand-offs per measurement (default ${DEFAULT-VALUE})")
  int ticks = 8000;
  @Option(names = "--period-us", paramLabel = "US", description = "time between hand-offs (default ${DEFAULT-VALUE})")
  long periodMicros = 1000;
  @Option(names = "--rounds", paramLabel = "N", description = "measurements of each after one warm-up (default ${DEFAULT-VALUE})")
  int rounds = 3;
  @Option(names = "--dir", paramLabel = "DIR", description = "where the files are written (default: a temporary directory)")
  Path dir;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int CHUNK = 1 << 20;

  public static void main(String[] args) {
    System.exit(new CommandLine(new JournalWriteCost()).execute(args));
  }

  /** One measurement of the write, in µs of thread CPU per record. */
  private record Write(double append, double zeroFill, double overwrite, double mapped) {
  }

  @Override
  public void run() {
    try {
      Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("journal-write-cost");
      int record = recordKb * 1024;
      long bytes = (long) fileMb << 20;
      System.out.printf(Locale.ROOT, "Java %s; records of %d KB, %d MB per measurement, in %s%n", Runtime.version(),
          recordKb, fileMb, work);
      List<Write> writes = new ArrayList<>();
      for (int r = 0; r <= rounds; r++) {
        Write w = write(work, record, bytes);
        if (r > 0) {
          writes.add(w);
        }
      }
      System.out.printf(Locale.ROOT, "write, µs of thread CPU per record, median (range) of %d:%n", rounds);
      System.out.printf(Locale.ROOT, "  appended to a growing file  %s%n", stat(writes, Write::append));
      System.out.printf(Locale.ROOT, "  preallocated: zero-fill     %s (1 MB writes ahead, per record's share)%n",
          stat(writes, Write::zeroFill));
      System.out.printf(Locale.ROOT, "  preallocated: overwrite     %s%n", stat(writes, Write::overwrite));
      System.out.printf(Locale.ROOT, "  preallocated: both          %s%n",
          stat(writes, w -> w.zeroFill() + w.overwrite()));
      System.out.printf(Locale.ROOT, "  mapped (zero-filled, touched): copy %s%n", stat(writes, Write::mapped));
      handOff();
      if (dir == null) {
        Files.deleteIfExists(work);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Write write(Path work, int record, long bytes) throws IOException {
    ByteBuffer out = ByteBuffer.allocateDirect(record);
    while (out.hasRemaining()) {
      out.put((byte) 7);
    }
    long records = bytes / record;
    Path file = work.resolve("append.bin");
    double append;
    long t0 = THREADS.getCurrentThreadCpuTime();
    Files.deleteIfExists(file); // left by a run that was stopped
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      for (long i = 0; i < records; i++) {
        writeAll(ch, out.clear(), -1);
      }
      append = perRecord(t0, records);
      // Each part starts with the page cache as clean as the last: without it the dirty pages of the
      // parts before throttled the next one's writes (zero-filling ranged over 33–166 µs a record).
      ch.force(false);
    }
    Files.delete(file);

    file = work.resolve("preallocated.bin");
    double zeroFill;
    double overwrite;
    double mapped;
    Files.deleteIfExists(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);
      t0 = THREADS.getCurrentThreadCpuTime();
      for (long at = 0; at < bytes; at += CHUNK) {
        writeAll(ch, zeros.clear(), at);
      }
      zeroFill = perRecord(t0, records);
      ch.force(false);
      t0 = THREADS.getCurrentThreadCpuTime();
      for (long i = 0; i < records; i++) {
        writeAll(ch, out.clear(), i * record);
      }
      overwrite = perRecord(t0, records);
      ch.force(false);
      // The mapped copy goes over a second zero-filled region, its pages touched once before.
      for (long at = bytes; at < 2 * bytes; at += CHUNK) {
        writeAll(ch, zeros.clear(), at);
      }
      ch.force(false);
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, bytes, bytes);
      for (int page = 0; page < bytes; page += 4096) {
        map.put(page, (byte) 0);
      }
      byte[] heap = new byte[record];
      out.clear().get(heap);
      t0 = THREADS.getCurrentThreadCpuTime();
      for (long i = 0; i < records; i++) {
        map.put((int) (i * record), heap);
      }
      mapped = perRecord(t0, records);
    }
    Files.delete(file);
    return new Write(append, zeroFill, overwrite, mapped);
  }

  private static void writeAll(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      if (at < 0) {
        ch.write(b);
      } else {
        ch.write(b, at + b.position());
      }
    }
  }

  private static double perRecord(long startNanos, long records) {
    return (THREADS.getCurrentThreadCpuTime() - startNanos) / 1e3 / records;
  }

  /** Process CPU per tick with and without a hand-off to a one-thread worker executor, alternating. */
  private void handOff() {
    List<Double> with = new ArrayList<>();
    List<Double> without = new ArrayList<>();
    for (int r = 0; r <= rounds; r++) {
      double w = tick(true);
      double wo = tick(false);
      if (r > 0) {
        with.add(w);
        without.add(wo);
      }
    }
    List<Double> diff = new ArrayList<>();
    for (int i = 0; i < with.size(); i++) {
      diff.add(with.get(i) - without.get(i));
    }
    System.out.printf(Locale.ROOT, "hand-off, µs of process CPU per %d µs tick, median (range) of %d:%n", periodMicros,
        rounds);
    System.out.printf(Locale.ROOT, "  timer and a hand-off to the worker and back  %s%n", stat(with, d -> d));
    System.out.printf(Locale.ROOT, "  timer alone                                  %s%n", stat(without, d -> d));
    System.out.printf(Locale.ROOT, "  the hand-off (pairwise difference)           %s%n", stat(diff, d -> d));
  }

  private double tick(boolean handOff) {
    Vertx vertx = Vertx.vertx();
    WorkerExecutor writer = vertx.createSharedWorkerExecutor("journal-write-cost-writer", 1);
    try {
      CountDownLatch done = new CountDownLatch(1);
      long[] cpu = new long[2];
      int warm = ticks / 4;
      vertx.runOnContext(v -> {
        int[] n = {0};
        long period = Math.max(1, periodMicros / 1000);
        vertx.setPeriodic(period, id -> {
          if (n[0] == warm) {
            cpu[0] = ProcessCpu.withoutJitNanos(ProcessHandle.current());
          }
          if (n[0]++ == warm + ticks) {
            cpu[1] = ProcessCpu.withoutJitNanos(ProcessHandle.current());
            vertx.cancelTimer(id);
            done.countDown();
            return;
          }
          if (handOff) {
            writer.executeBlocking(() -> 1).onComplete(ar -> {
            });
          }
        });
      });
      if (!done.await(10L * (ticks + warm) * Math.max(1, periodMicros / 1000), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the ticks did not finish");
      }
      return (cpu[1] - cpu[0]) / 1e3 / ticks;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      writer.close().await();
      vertx.close().await();
    }
  }

  private static <T> String stat(List<T> runs, ToDoubleFunction<T> value) {
    List<Double> v = new ArrayList<>(runs.stream().map(value::applyAsDouble).toList());
    Collections.sort(v);
    double median = v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
    return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", median, v.get(0), v.get(v.size() - 1));
  }
}
