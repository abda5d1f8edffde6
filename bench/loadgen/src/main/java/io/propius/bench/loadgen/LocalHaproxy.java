package io.propius.bench.loadgen;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy (the operating system's) on a free port in front of the device APIs of some nodes: HTTP
 * mode, round robin, keep-alive on both sides, as {@code deploy/haproxy/haproxy.cfg} sets up the
 * device port.
 */
final class LocalHaproxy implements AutoCloseable {
  final int port;
  private final Process process;

  private LocalHaproxy(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static LocalHaproxy start(List<Integer> devicePorts, Path dir) throws IOException, InterruptedException {
    StringBuilder cfg = new StringBuilder("""
        global
          maxconn 4096
        defaults
          mode http
          timeout connect 2s
          timeout client 60s
          timeout server 60s
          option http-keep-alive
        """);
    int port = NodeProcess.freePort();
    cfg.append("frontend devices\n  bind 127.0.0.1:").append(port).append("\n  default_backend nodes\n")
        .append("backend nodes\n  balance roundrobin\n");
    for (int i = 0; i < devicePorts.size(); i++) {
      cfg.append("  server node").append(i).append(" 127.0.0.1:").append(devicePorts.get(i)).append('\n');
    }
    Path file = dir.resolve("haproxy-" + port + ".cfg");
    Files.writeString(file, cfg);
    Process p;
    try {
      p = new ProcessBuilder("haproxy", "-db", "-f", file.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile())).start();
    } catch (IOException e) {
      throw new IllegalArgumentException("the cluster benchmark needs haproxy (apt-get install haproxy): "
          + e.getMessage());
    }
    LocalHaproxy haproxy = new LocalHaproxy(p, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return haproxy;
      } catch (IOException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          haproxy.close();
          throw new IllegalStateException("haproxy did not start; see " + dir.resolve("haproxy.log"));
        }
        Thread.sleep(20);
      }
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
