package io.propius.edge.aggregate;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.edge.aggregate.Journal.ContributionsEntry;
import io.propius.edge.aggregate.Journal.CountedEntry;
import io.propius.edge.aggregate.Journal.PartialEntry;
import io.propius.edge.aggregate.Journal.PlanEntry;
import io.propius.edge.aggregate.Journal.RetiredEntry;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.PartialUpdate;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a journal replays after a reopen, and that compaction replaces the log by the snapshot it is given. */
class JournalTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();
  @TempDir
  Path dir;

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void replaysEveryRecordTypeExactly() {
    RoundKey key = new RoundKey(7, 3);
    Random random = new Random(5);
    double[] sum = random.doubles(1001, -1, 1).toArray();
    double[] state = random.doubles(10).toArray();

    Journal journal = onLoop(() -> Journal.open(vertx, dir, false, 1 << 20, "n1"));
    // Appended without waiting in between, so they go out in one group-commit batch and the next.
    onLoop(() -> Future.all(List.of(
        journal.append(new ContributionsEntry(key, List.of("7/3/a", "7/3/b"), 2, 3.5, sum)),
        journal.append(new PartialEntry(key, new PartialUpdate("child", 4, 4, 9.5, state))),
        journal.append(new PlanEntry(key, "7-3-x-0.plan", 1234, "\"etag\"")),
        journal.append(new RetiredEntry(new RoundKey(7, 1))))));
    onLoop(journal::close);

    List<Journal.Entry> replayed = onLoop(() -> Journal.open(vertx, dir, false, 1 << 20, "")).replayed();
    assertThat(replayed).hasSize(4);
    ContributionsEntry batch = (ContributionsEntry) replayed.get(0);
    assertThat(batch.dedupeKeys()).containsExactly("7/3/a", "7/3/b");
    assertThat(batch.contributors()).isEqualTo(2);
    assertThat(batch.weight()).isEqualTo(3.5);
    assertThat(batch.state()).containsExactly(sum);
    PartialUpdate partial = ((PartialEntry) replayed.get(1)).update();
    assertThat(partial.nodeId()).isEqualTo("child");
    assertThat(partial.version()).isEqualTo(4);
    assertThat(partial.weight()).isEqualTo(9.5);
    assertThat(partial.state()).containsExactly(state);
    assertThat(replayed.get(2)).isEqualTo(new PlanEntry(key, "7-3-x-0.plan", 1234, "\"etag\""));
    assertThat(replayed.get(3)).isEqualTo(new RetiredEntry(new RoundKey(7, 1)));
  }

  @Test
  void compactsToTheSnapshotOnceTheLogOutgrowsTheThreshold() throws Exception {
    RoundKey key = new RoundKey(9, 1);
    Journal journal = onLoop(() -> Journal.open(vertx, dir, false, 64 * 1024, "n1"));
    List<Journal.Entry> live = new ArrayList<>();
    live.add(new ContributionsEntry(key, List.of("9/1/live"), 1, 1, new double[] {42}));
    journal.compactWith(() -> live);
    // 100 appends of ~8 KB each: the log passes 64 KB several times over.
    long recordBytes = 0;
    for (int i = 0; i < 100; i++) {
      String device = "9/1/d" + i;
      long before = journal.bytes();
      onLoop(() -> journal.append(new ContributionsEntry(key, List.of(device), 1, 1, new double[1000])));
      if (i == 0) {
        recordBytes = journal.bytes() - before;
      }
    }
    // The snapshot is written beside the appends, so the first switch may come after the last one.
    eventually(() -> onLoop(() -> Future.succeededFuture(journal.compactions())) > 0);
    assertThat(journal.compactions()).isGreaterThanOrEqualTo(1);
    // Closed first: a compaction may still be switching files, and close waits for it.
    onLoop(journal::close);
    long size = Files.size(dir.resolve(Journal.FILE));
    // Below what was appended: the snapshot, plus what was appended while it was being written. (How
    // much below depends on how fast the snapshot is written beside the appends, i.e. on the machine.)
    assertThat(size).isEqualTo(journal.bytes()).isLessThan(100 * recordBytes);

    // What remains is the snapshot, then only the records appended after the last one was taken,
    // in append order up to the last.
    List<Journal.Entry> replayed = onLoop(() -> Journal.open(vertx, dir, false, 64 * 1024, "")).replayed();
    ContributionsEntry first = (ContributionsEntry) replayed.get(0);
    assertThat(first.dedupeKeys()).containsExactly("9/1/live");
    assertThat(first.state()).containsExactly(42);
    List<String> after = keysAfterSnapshot(replayed);
    assertThat(after).hasSizeLessThan(100).containsExactlyElementsOf(IntStream
        .range(100 - after.size(), 100).mapToObj(i -> "9/1/d" + i).toList());
    assertThat(dir.toFile().list()).allMatch(f -> !f.contains(".compacting"));
  }

  /**
   * A snapshot of many seen tokens takes tens of milliseconds to encode and force: appends go on
   * meanwhile, and the records they wrote are moved behind the snapshot, none lost, none twice.
   */
  @Test
  void appendsGoOnWhileASnapshotIsWrittenAndFollowItAfterwards() {
    RoundKey key = new RoundKey(9, 1);
    Journal journal = onLoop(() -> Journal.open(vertx, dir, false, 64 * 1024, "n1"));
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 400_000; i++) {
      tokens.add("9/1/seen-device-" + i);
    }
    CountedKeys counted = new CountedKeys();
    tokens.forEach(counted::add);
    List<Journal.Entry> live = List.of(new CountedEntry(key, counted.view(), tokens.size(), 1, new double[] {42}));
    journal.compactWith(() -> live);
    List<Integer> duringCompaction = new ArrayList<>();
    int n = 0;
    // ~8 KB each: the ninth passes the 64 KB threshold and starts the compaction.
    for (; journal.compactions() == 0 && n < 100_000; n++) {
      // Appended once the log is over the threshold: the first such append starts the compaction.
      boolean over = journal.bytes() >= 64 * 1024;
      String device = "9/1/d" + n;
      onLoop(() -> journal.append(new ContributionsEntry(key, List.of(device), 1, 1, new double[1000])));
      if (over && journal.compactions() == 0) {
        duringCompaction.add(n);
      }
    }
    assertThat(journal.compactions()).isEqualTo(1);
    assertThat(duringCompaction).as("appends acknowledged while the snapshot was being written").isNotEmpty();
    int last = n - 1;
    onLoop(journal::close);

    List<Journal.Entry> replayed = onLoop(() -> Journal.open(vertx, dir, false, 64 * 1024, "")).replayed();
    assertThat(((ContributionsEntry) replayed.get(0)).dedupeKeys()).containsExactlyElementsOf(tokens);
    List<String> after = keysAfterSnapshot(replayed);
    // The records after the snapshot are a contiguous run up to the last append, in append order.
    int first = last - after.size() + 1;
    assertThat(after).containsExactlyElementsOf(IntStream.rangeClosed(first, last)
        .mapToObj(i -> "9/1/d" + i).toList());
    assertThat(first).isLessThanOrEqualTo(duringCompaction.get(0));
    assertThat(dir.toFile().list()).allMatch(f -> !f.contains(".compacting"));
  }

  /**
   * A round's counted keys go into a snapshot as they were encoded when counted: replayed as the
   * contributions record they stand for, with every key (in several chunks, one of them larger than
   * a chunk, non-ASCII ones, a lone surrogate written as '?' as any record writes it), and the
   * record after it still found where it starts.
   */
  @Test
  void aSnapshotOfCountedKeysReplaysAsTheContributionsRecord() {
    RoundKey key = new RoundKey(9, 2);
    CountedKeys counted = new CountedKeys();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      keys.add("9/2/device-" + i);
    }
    keys.add(10, "9/2/" + "x".repeat(100_000));
    keys.add(20, "9/2/appareil-é-设备-\uD83D\uDE00");
    keys.add("9/2/lone-\uD800");
    keys.forEach(counted::add);
    CountedKeys.View view = counted.view();
    counted.add("9/2/counted-after-the-view");
    double[] state = new Random(3).doubles(777, -1, 1).toArray();
    Journal journal = onLoop(() -> Journal.open(vertx, dir, false, 64 * 1024, "n1"));
    journal.compactWith(() -> List.of(new CountedEntry(key, view, keys.size(), 12.5, state)));
    for (int i = 0; journal.compactions() == 0 && i < 10_000; i++) {
      String device = "9/2/d" + i;
      onLoop(() -> journal.append(new ContributionsEntry(key, List.of(device), 1, 1, new double[1000])));
    }
    assertThat(journal.compactions()).isEqualTo(1);
    onLoop(journal::close);

    List<Journal.Entry> replayed = onLoop(() -> Journal.open(vertx, dir, false, 64 * 1024, "")).replayed();
    ContributionsEntry snapshot = (ContributionsEntry) replayed.get(0);
    List<String> expected = new ArrayList<>(keys);
    expected.set(expected.size() - 1, "9/2/lone-?");
    assertThat(snapshot.dedupeKeys()).containsExactlyElementsOf(expected);
    assertThat(snapshot.contributors()).isEqualTo(keys.size());
    assertThat(snapshot.weight()).isEqualTo(12.5);
    assertThat(snapshot.state()).containsExactly(state);
    assertThat(keysAfterSnapshot(replayed)).isNotEmpty().allMatch(k -> k.startsWith("9/2/d"));
    List<String> viewed = new ArrayList<>();
    view.forEach(viewed::add);
    assertThat(viewed).containsExactlyElementsOf(expected);
  }

  @Test
  void refusesToOpenBesideAJournalOfTheEarlierFormat() throws Exception {
    Files.write(dir.resolve("journal.bin"), new byte[] {0, 0, 0, 1, 'C'});
    Throwable failure = onLoop(() -> Journal.open(vertx, dir, false, 1 << 20, "n1")
        .<Throwable>map(j -> null).otherwise(err -> err));
    assertThat(failure).hasMessageContaining("earlier format").hasMessageContaining("journal.bin");
  }

  /** The one dedupe key of each record replayed after the snapshot (the first entry). */
  private static List<String> keysAfterSnapshot(List<Journal.Entry> replayed) {
    return replayed.subList(1, replayed.size()).stream().map(e -> ((ContributionsEntry) e).dedupeKeys().get(0))
        .toList();
  }

  /**
   * Runs a journal call on one event loop, as a node does: the journal is confined to its loop,
   * and a test thread calling it while the loop completes writes would race with it.
   */
  private <T> T onLoop(Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> call.get().onComplete(done));
    return await(done.future());
  }
}
