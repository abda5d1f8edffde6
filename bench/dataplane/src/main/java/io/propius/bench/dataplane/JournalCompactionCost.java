package io.propius.bench.dataplane;

import com.sun.management.OperatingSystemMXBean;
import io.propius.edge.aggregate.CountedKeys;
import io.propius.edge.aggregate.Journal;
import io.propius.edge.round.RoundKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CPU of a journal compaction's snapshot as a busy leaf has it written: one group-commit record
 * after another (a batch's state of {@code --values} doubles and its dedupe keys) into a journal
 * whose snapshot holds one round of {@code --keys} counted dedupe keys. Thread CPU of the Vert.x
 * worker threads (where snapshots are written and forced, and replaced files closed) per
 * compaction, and the process's CPU per record (every thread), for the two ways a snapshot holds
 * the keys, alternating: as the node now gives them ({@link CountedKeys}, copied as encoded when
 * counted) and as it gave them before (a list of strings, copied on the loop and encoded for each
 * snapshot).
 *
 * <p>{@code java -cp bench/dataplane/target/dataplane-bench.jar io.propius.bench.dataplane.JournalCompactionCost
 * [--keys 500000] [--values 7850] [--commits 3000] [--compact-mb 64] [--rounds 3]}
 */
@Command(name = "journal-compaction-cost", mixinStandardHelpOptions = true,
    description = "Process CPU per journal group commit with compaction, counted keys vs a list of keys.")
public final class JournalCompactionCost implements Runnable {
  @Option(names = "--keys", paramLabel = "N", description = "dedupe keys in the snapshot (default ${DEFAULT-VALUE})")
  int keys = 500_000;
  @Option(names = "--values", paramLabel = "N", description = "doubles in each record's state (default ${DEFAULT-VALUE})")
  int values = 7850;
  @Option(names = "--commits", paramLabel = "N", description = "records appended per measurement (default ${DEFAULT-VALUE})")
  int commits = 3000;
  @Option(names = "--keys-per-commit", paramLabel = "N", description = "dedupe keys per record (default ${DEFAULT-VALUE})")
  int keysPerCommit = 8;
  @Option(names = "--compact-mb", paramLabel = "MB", description = "compaction threshold (default ${DEFAULT-VALUE})")
  int compactMb = 64;
  @Option(names = "--rounds", paramLabel = "N", description = "measurements of each form after one warm-up of each (default ${DEFAULT-VALUE})")
  int rounds = 3;

  public static void main(String[] args) {
    System.exit(new CommandLine(new JournalCompactionCost()).execute(args));
  }

  @Override
  public void run() {
    RoundKey key = new RoundKey(1, 100);
    CountedKeys counted = new CountedKeys();
    List<String> list = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      String k = "1/100/device-" + i;
      counted.add(k);
      list.add(k);
    }
    double[] state = new double[values];
    Arrays.fill(state, 0.5);
    Supplier<List<Journal.Entry>> asCounted = () -> List.of(new Journal.CountedEntry(key, counted.view(), keys, 1,
        state.clone()));
    Supplier<List<Journal.Entry>> asList = () -> List.of(new Journal.ContributionsEntry(key, List.copyOf(list), keys, 1,
        state.clone()));
    Vertx vertx = Vertx.vertx();
    try {
      System.out.printf(Locale.ROOT, "Java %s; %d records of %d doubles and %d keys each, snapshot of %d keys,"
          + " compaction at %d MB%n", Runtime.version(), commits, values, keysPerCommit, keys, compactMb);
      List<Double> counts = new ArrayList<>();
      List<Double> lists = new ArrayList<>();
      for (int r = 0; r <= rounds; r++) {
        double c = measure(vertx, key, asCounted, "counted keys", r == 0);
        double l = measure(vertx, key, asList, "list of keys (before)", r == 0);
        if (r > 0 && !Double.isNaN(c) && !Double.isNaN(l)) {
          counts.add(c);
          lists.add(l);
        }
      }
      double mc = median(counts);
      double ml = median(lists);
      System.out.printf(Locale.ROOT, "median worker CPU per compaction: counted keys %.1f ms, list of keys %.1f ms;"
          + " counted / list %.2f×%n", mc, ml, mc / ml);
    } finally {
      vertx.close().await();
    }
  }

  private double measure(Vertx vertx, RoundKey key, Supplier<List<Journal.Entry>> snapshot, String form,
                         boolean warmUp) {
    try {
      Path dir = Files.createTempDirectory("propius-journal-cost");
      Context loop = vertx.getOrCreateContext();
      Journal journal = onLoop(loop, () -> Journal.open(vertx, dir, false, compactMb * 1024L * 1024, "cost"));
      journal.compactWith(snapshot);
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long before = os.getProcessCpuTime();
      long workersBefore = workerCpuNanos();
      onLoop(loop, () -> appendFrom(journal, key, 0));
      // The last compaction's snapshot may still be written: its CPU belongs to these commits.
      onLoop(loop, journal::close);
      long cpu = os.getProcessCpuTime() - before;
      long workers = workerCpuNanos() - workersBefore;
      double perCompaction = journal.compactions() == 0 ? Double.NaN : workers / 1e6 / journal.compactions();
      System.out.printf(Locale.ROOT, "%s%s: %d compactions, worker CPU %.1f ms per compaction; process CPU %.1f µs"
          + " per record%n", warmUp ? "warm-up, " : "", form, journal.compactions(), perCompaction, cpu / 1e3 / commits);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      return perCompaction;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** One record after another, as a leaf's group commits go: the next once the last is written. */
  private Future<Void> appendFrom(Journal journal, RoundKey key, int first) {
    Promise<Void> done = Promise.promise();
    appendNext(journal, key, first, done);
    return done.future();
  }

  private void appendNext(Journal journal, RoundKey key, int i, Promise<Void> done) {
    if (i == commits) {
      done.complete();
      return;
    }
    List<String> batch = new ArrayList<>(keysPerCommit);
    for (int k = 0; k < keysPerCommit; k++) {
      batch.add("1/100/new-" + i + "-" + k);
    }
    journal.append(new Journal.ContributionsEntry(key, batch, keysPerCommit, keysPerCommit, new double[values]))
        .onSuccess(v -> appendNext(journal, key, i + 1, done)).onFailure(done::fail);
  }

  private static <T> T onLoop(Context loop, Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> call.get().onComplete(done));
    return done.future().await();
  }

  /** CPU time of the Vert.x worker threads, those alive now (the pool's threads live as long as Vert.x). */
  private static long workerCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("vert.x-worker-thread")) {
        sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
      }
    }
    return sum;
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = xs.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
