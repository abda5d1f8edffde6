package io.propius.edge;

import static io.propius.edge.testing.EdgeTree.tensor;
import static io.propius.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.propius.api.tensor.Tensors;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http.Reply;
import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dataPlane.journalGroupCommitWaitMicros}: a group commit that could start waits for uploads
 * whose bodies are still arriving, never longer than the bound, and not at all on an idle node.
 * Uploads over real connections, one of them a raw socket that stops half way through its body.
 */
class GroupCommitHoldTest {
  @AutoClose
  private final EdgeTree tree = new EdgeTree();
  @TempDir
  Path dir;

  private EdgeTree.Node root;

  private EdgeTree.Node leaf(long waitMicros) {
    root = tree.root();
    tree.http.put(root.port(), "/v1/rounds/4/1", null, new JsonObject().put("tensor_length", 2).put("target", 100));
    return tree.child("leaf", root, new DataPlaneOptions().setJournalDir(dir.resolve("leaf").toString())
        .setPushIntervalMs(100).setJournalGroupCommitWaitMicros(waitMicros));
  }

  /** The root's aggregate once the leaf pushed {@code contributors} contributions. */
  private Reply aggregateOf(long contributors) {
    Reply[] seen = {null};
    eventually(() -> {
      seen[0] = tree.http.get(root.port(), "/v1/aggregates/4/1", null);
      return seen[0].status() == 200 && Long.parseLong(seen[0].headers().get("Propius-Contributors")) >= contributors;
    });
    assertThat(seen[0].headers().get("Propius-Contributors")).isEqualTo(Long.toString(contributors));
    return seen[0];
  }

  private Future<Reply> upload(EdgeTree.Node leaf, String device, double value) {
    return tree.http.send(HttpMethod.PUT, leaf.port(), "/v1/results/4/1?samples=1", tree.token(4, 1, device),
        tensor(value, value), Map.of());
  }

  /** An upload whose headers and first half of its body were sent; the rest waits for {@link #finish}. */
  private final class Stalled implements AutoCloseable {
    private final Socket socket;
    private final byte[] body;

    Stalled(EdgeTree.Node leaf, String device, double value) throws IOException {
      int before = leaf.node().uploadsReceiving();
      socket = new Socket("127.0.0.1", leaf.port());
      body = tensor(value, value).getBytes();
      String head = "PUT /v1/results/4/1?samples=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + tree.token(4, 1, device) + "\r\nContent-Length: " + body.length + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      eventually(() -> leaf.node().uploadsReceiving() == before + 1);
    }

    /** Sends the rest of the body and returns the status line of the answer. */
    String finish() throws IOException {
      socket.getOutputStream().write(body, body.length / 2, body.length - body.length / 2);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
        line.append((char) c);
      }
      return line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Timer held(EdgeTree.Node leaf) {
    return leaf.registry().find("propius.edge.journal.commit.held").timer();
  }

  private DistributionSummary commits(EdgeTree.Node leaf) {
    return leaf.registry().find("propius.edge.journal.commit.uploads").summary();
  }

  @Test
  void aWaitOutsideItsRangeIsRefusedByName() {
    for (long micros : new long[] {-1, 1_000_001}) {
      assertThatThrownBy(() -> new DataPlaneOptions().setJournalGroupCommitWaitMicros(micros).validate())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("dataPlane.journalGroupCommitWaitMicros must be 0 (commit at once) to 1000000 (1 s), got " + micros);
    }
  }

  @Test
  void anUploadOnAnIdleNodeIsCommittedWithoutWaiting() {
    EdgeTree.Node leaf = leaf(1_000_000);
    for (int i = 0; i < 3; i++) {
      long started = System.nanoTime();
      assertThat(Futures.await(upload(leaf, "d" + i, i)).status()).isEqualTo(200);
      assertThat(System.nanoTime() - started).as("acknowledged without the 1 s wait").isLessThan(900_000_000L);
    }
    assertThat(held(leaf).count()).as("no commit waited: nothing else was in progress").isZero();
    // A commit's meter is recorded just after its uploads are answered, so an answer can come first.
    eventually(Duration.ofSeconds(5), () -> commits(leaf).count() >= 3, "the third commit recorded");
    assertThat(commits(leaf).count()).isEqualTo(3);
  }

  @Test
  void aCommitWaitsForAnUploadThatStallsNoLongerThanTheBound() throws IOException {
    EdgeTree.Node leaf = leaf(300_000);
    try (Stalled stalled = new Stalled(leaf, "slow", 1)) {
      long started = System.nanoTime();
      Reply fast = Futures.await(upload(leaf, "fast", 3));
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(fast.status()).isEqualTo(200);
      assertThat(waitedMs).as("held for the stalled upload, at most the 300 ms bound").isBetween(250L, 2_500L);
      assertThat(held(leaf).count()).isEqualTo(1);
      assertThat(held(leaf).totalTime(TimeUnit.MILLISECONDS)).isBetween(250.0, 2_500.0);

      assertThat(stalled.finish()).isEqualTo("HTTP/1.1 200 OK");
    }
    Reply agg = aggregateOf(2);
    assertThat(Tensors.decode(agg.body().getBytes())[0]).isCloseTo(2.0, Offset.offset(1e-9));
  }

  @Test
  void aHeldCommitStartsOnceTheUploadsItWaitsForArriveAndARetryWaitsForIt() throws IOException {
    EdgeTree.Node leaf = leaf(1_000_000);
    try (Stalled slow = new Stalled(leaf, "slow", 1)) {
      long started = System.nanoTime();
      Future<Reply> fast = upload(leaf, "fast", 3);
      sleep(150); // received and held for "slow"
      // A retry of the held upload is not counted again: it waits for the first one's commit.
      Future<Reply> retry = upload(leaf, "fast", 3);
      // An upload that begins to arrive after the commit was held is not waited for.
      try (Stalled later = new Stalled(leaf, "later", 5)) {
        sleep(100);
        assertThat(fast.isComplete() || retry.isComplete()).as("both wait for the held commit").isFalse();
        assertThat(slow.finish()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(Futures.await(fast).json().getBoolean("duplicate")).isFalse();
        assertThat(Futures.await(retry).json().getBoolean("duplicate")).isTrue();
        assertThat(System.nanoTime() - started).as("released when the slow body arrived, not by the 1 s bound")
            .isLessThan(900_000_000L);
        eventually(Duration.ofSeconds(5), () -> commits(leaf).count() >= 1, "the held commit recorded");
        assertThat(commits(leaf).count()).as("the held commit carried both uploads").isEqualTo(1);
        assertThat(commits(leaf).totalAmount()).isEqualTo(2);
        assertThat(later.finish()).isEqualTo("HTTP/1.1 200 OK");
      }
    }
    assertThat(held(leaf).count()).isEqualTo(1);
    aggregateOf(3);
  }

  @Test
  void anUploadWhoseConnectionClosesReleasesTheCommitAndCountsNothing() throws IOException {
    EdgeTree.Node leaf = leaf(1_000_000);
    long started;
    Future<Reply> fast;
    try (Stalled stalled = new Stalled(leaf, "gone", 7)) {
      started = System.nanoTime();
      fast = upload(leaf, "fast", 3);
      sleep(150); // received and held
      assertThat(fast.isComplete()).isFalse();
    }
    assertThat(Futures.await(fast).status()).isEqualTo(200);
    assertThat(System.nanoTime() - started).as("released when the connection closed").isLessThan(900_000_000L);
    eventually(() -> leaf.node().uploadsReceiving() == 0);
    aggregateOf(1);
    assertThat(Futures.await(upload(leaf, "gone", 7)).json().getBoolean("duplicate")).as("never counted").isFalse();
  }
}
