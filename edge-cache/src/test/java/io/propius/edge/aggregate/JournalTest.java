package io.propius.edge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.tensor.DType;
import io.propius.edge.aggregate.Journal.ContributionEntry;
import io.propius.edge.aggregate.Journal.PartialEntry;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.PartialUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a journal replays after a reopen: every record exactly as appended, at the width it was stored. */
class JournalTest {
  private final Vertx vertx = Vertx.vertx();
  @TempDir
  Path dir;

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void replaysFloat32AndFloat64ContributionsAndPartialsExactly() {
    RoundKey key = new RoundKey(7, 3);
    Random random = new Random(5);
    // float32 uploads are decoded into doubles; the journal stores them as floats, which must lose nothing.
    double[] fromFloats = new double[1001];
    for (int i = 0; i < fromFloats.length; i++) {
      fromFloats[i] = (float) (random.nextGaussian() * 1e3);
    }
    double[] doubles = random.doubles(1001, -1, 1).toArray();
    double[] state = random.doubles(10).toArray();

    Journal journal = await(Journal.open(vertx, dir, false, "n1"));
    // Appended without waiting in between, so they go out in one group-commit batch and the next.
    await(Future.all(journal.append(new ContributionEntry(key, "7/3/a", 2.5, fromFloats, DType.FLOAT32)),
        journal.append(new ContributionEntry(key, "7/3/b", 1, doubles, DType.FLOAT64)),
        journal.append(new PartialEntry(key, new PartialUpdate("child", 4, 4, 9.5, state)))));
    await(journal.close());

    List<Journal.Entry> replayed = await(Journal.open(vertx, dir, false, "")).replayed();
    assertThat(replayed).hasSize(3);
    ContributionEntry first = (ContributionEntry) replayed.get(0);
    assertThat(first.dedupeKey()).isEqualTo("7/3/a");
    assertThat(first.weight()).isEqualTo(2.5);
    assertThat(first.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(first.values()).containsExactly(fromFloats);
    ContributionEntry second = (ContributionEntry) replayed.get(1);
    assertThat(second.dtype()).isEqualTo(DType.FLOAT64);
    assertThat(second.values()).containsExactly(doubles);
    PartialUpdate partial = ((PartialEntry) replayed.get(2)).update();
    assertThat(partial.nodeId()).isEqualTo("child");
    assertThat(partial.version()).isEqualTo(4);
    assertThat(partial.weight()).isEqualTo(9.5);
    assertThat(partial.state()).containsExactly(state);
  }

  private static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }
}
