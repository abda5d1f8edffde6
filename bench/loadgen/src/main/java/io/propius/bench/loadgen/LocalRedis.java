package io.propius.bench.loadgen;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} (the operating system's) on a free port, without persistence,
 * for a load run against the Redis job store when no Redis URI is given.
 */
final class LocalRedis implements AutoCloseable {
  final int port;
  private final Process process;

  private LocalRedis(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static LocalRedis start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p;
    try {
      p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new IllegalArgumentException("--store redis without --redis-uri starts redis-server, which is not "
          + "installed (apt-get install redis-server): " + e.getMessage());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return new LocalRedis(port, p);
      } catch (IOException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException("redis-server did not start on port " + port);
        }
        Thread.sleep(20);
      }
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
