package io.propius.edge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.edge.aggregate.Journal.ContributionsEntry;
import io.propius.edge.aggregate.Journal.PartialEntry;
import io.propius.edge.aggregate.Journal.PlanEntry;
import io.propius.edge.aggregate.Journal.RetiredEntry;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.PartialUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a journal replays after a reopen, and that compaction replaces the log by the snapshot it is given. */
class JournalTest {
  private final Vertx vertx = Vertx.vertx();
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

    Journal journal = await(Journal.open(vertx, dir, false, 1 << 20, "n1"));
    // Appended without waiting in between, so they go out in one group-commit batch and the next.
    await(Future.all(List.of(
        journal.append(new ContributionsEntry(key, List.of("7/3/a", "7/3/b"), 2, 3.5, sum)),
        journal.append(new PartialEntry(key, new PartialUpdate("child", 4, 4, 9.5, state))),
        journal.append(new PlanEntry(key, "7-3-x-0.plan", 1234, "\"etag\"")),
        journal.append(new RetiredEntry(new RoundKey(7, 1))))));
    await(journal.close());

    List<Journal.Entry> replayed = await(Journal.open(vertx, dir, false, 1 << 20, "")).replayed();
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
    Journal journal = await(Journal.open(vertx, dir, false, 64 * 1024, "n1"));
    List<Journal.Entry> live = new ArrayList<>();
    live.add(new ContributionsEntry(key, List.of("9/1/live"), 1, 1, new double[] {42}));
    journal.compactWith(() -> live);
    // 100 appends of ~8 KB each: the log passes 64 KB several times over.
    for (int i = 0; i < 100; i++) {
      await(journal.append(new ContributionsEntry(key, List.of("9/1/d" + i), 1, 1, new double[1000])));
    }
    assertThat(journal.compactions()).isGreaterThanOrEqualTo(1);
    long size = Files.size(dir.resolve(Journal.FILE));
    assertThat(size).isEqualTo(journal.bytes()).isLessThan(2 * 64 * 1024 + 8 * 1024);
    await(journal.close());

    // What remains is the snapshot, then only the records appended after the last compaction.
    List<Journal.Entry> replayed = await(Journal.open(vertx, dir, false, 64 * 1024, "")).replayed();
    ContributionsEntry first = (ContributionsEntry) replayed.get(0);
    assertThat(first.dedupeKeys()).containsExactly("9/1/live");
    assertThat(first.state()).containsExactly(42);
    assertThat(replayed.size()).isLessThan(20);
    assertThat(((ContributionsEntry) replayed.get(replayed.size() - 1)).dedupeKeys()).containsExactly("9/1/d99");
    assertThat(dir.resolve(Journal.FILE + ".compacting")).doesNotExist();
  }

  @Test
  void refusesToOpenBesideAJournalOfTheEarlierFormat() throws Exception {
    Files.write(dir.resolve("journal.bin"), new byte[] {0, 0, 0, 1, 'C'});
    Throwable failure = Journal.open(vertx, dir, false, 1 << 20, "n1").toCompletionStage().toCompletableFuture()
        .handle((j, err) -> err).join();
    assertThat(failure).hasMessageContaining("earlier format").hasMessageContaining("journal.bin");
  }

  private static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }
}
