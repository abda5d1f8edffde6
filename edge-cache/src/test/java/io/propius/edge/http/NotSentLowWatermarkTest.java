package io.propius.edge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.testing.EdgeTree;
import io.propius.testing.EdgeProcess;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leaf process (native transport, as an operator runs it) bounds what a plan download leaves
 * unsent in its kernel send buffer ({@code dataPlane.tcpNotSentLowatBytes}): a client that stops
 * reading a 16 MB plan finds at most the bound plus one write's worth queued at the leaf, where
 * without the bound the kernel queues megabytes. Read from outside with {@code ss}.
 */
class NotSentLowWatermarkTest {
  private static final int BOUND = 128 * 1024;
  private static final Pattern NOT_SENT = Pattern.compile("notsent:(\\d+)");
  @AutoClose
  private final EdgeTree tree = new EdgeTree();
  @TempDir
  Path dir;

  @Test
  void aStalledPlanDownloadLeavesAtMostTheBoundUnsentAtTheLeaf() throws Exception {
    // Netty writes at most one 64 KiB segment past the bound before the socket stops taking bytes.
    assertThat(unsentOfAStalledDownload(List.of())).isPositive().isLessThanOrEqualTo(BOUND + 2 * 65536);
  }

  @Test
  void withoutTheBoundTheKernelQueuesFarMore() throws Exception {
    assertThat(unsentOfAStalledDownload(List.of("--tcp-notsent-lowat", "0"))).isGreaterThan(4 * BOUND);
  }

  @Test
  void aNegativeBoundIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new DataPlaneOptions().setTcpNotSentLowatBytes(-1).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dataPlane.tcpNotSentLowatBytes must be 0 (the kernel's default) or a positive number")
        .hasMessageEndingWith("got -1");
  }

  /** The most bytes the leaf's socket held unsent while a client read nothing of a 16 MB plan. */
  private long unsentOfAStalledDownload(List<String> flags) throws Exception {
    EdgeTree.Node root = tree.root();
    byte[] plan = new byte[16 << 20];
    new Random(7).nextBytes(plan);
    assertThat(tree.http.put(root.port(), "/v1/plans/5/1", null, Buffer.buffer(plan)).status()).isEqualTo(201);
    List<String> leafFlags = new ArrayList<>(List.of("--role", "leaf", "--parent", "http://127.0.0.1:" + root.port(),
        "--journal", dir.resolve("journal").toString()));
    leafFlags.addAll(flags);
    try (EdgeProcess leaf = EdgeProcess.start("", tree.keysFile(dir, "leaf"), leafFlags, List.of("-Xmx256m"));
         Socket client = new Socket("127.0.0.1", leaf.port())) {
      OutputStream out = client.getOutputStream();
      out.write(("GET /v1/plans/5/1 HTTP/1.1\r\nHost: leaf\r\nAuthorization: Bearer " + tree.token(5, 1, "d1")
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The leaf fetches the plan from the root (a fresh JVM on a loaded machine: seconds), then
      // sends until the client's window and its own send buffer are full; the most seen unsent in
      // the two seconds after the first is what it queued.
      long most = 0;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < until) {
        long now = unsent(leaf.port());
        if (most == 0 && now > 0) {
          until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        }
        most = Math.max(most, now);
        Thread.sleep(20);
      }
      return most;
    }
  }

  /** Bytes not yet sent on the leaf's side of its one established connection ({@code ss -tmi}). */
  private static long unsent(int port) throws IOException, InterruptedException {
    Process ss = new ProcessBuilder("ss", "-tniH", "state", "established", "( sport = :" + port + " )")
        .redirectErrorStream(true).start();
    String text = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ss.waitFor()).as(text).isZero();
    Matcher m = NOT_SENT.matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
