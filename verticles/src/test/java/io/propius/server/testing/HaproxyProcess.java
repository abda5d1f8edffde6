package io.propius.server.testing;

import io.propius.testing.FreePort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (the operating system's package) running the repository's own
 * {@code deploy/haproxy/haproxy.cfg} in front of three {@link ClusterNodes} nodes, on free ports.
 */
public final class HaproxyProcess implements AutoCloseable {
  private static final Path CONFIG = Path.of("..", "deploy", "haproxy", "haproxy.cfg");
  public final int devicesPort = FreePort.find();
  public final int jobsPort = FreePort.find();
  private final Process process;
  private final Path log;

  /** @param nodes node 1 is the jobs-only node, nodes 2 and 3 have the devices role */
  public HaproxyProcess(List<ClusterNodes.Node> nodes) {
    Map<String, String> env = new HashMap<>(Map.of("LB_HOST", "127.0.0.1",
        "LB_DEVICES_PORT", Integer.toString(devicesPort), "LB_JOBS_PORT", Integer.toString(jobsPort)));
    for (int i = 0; i < 3; i++) {
      ClusterNodes.Node node = nodes.get(i);
      String prefix = "NODE" + (i + 1) + "_";
      env.put(prefix + "HOST", "127.0.0.1");
      env.put(prefix + "JOBS_PORT", Integer.toString(node.jobsPort()));
      env.put(prefix + "DEVICES_PORT", Integer.toString(node.devicesPort()));
      env.put(prefix + "ADMIN_PORT", Integer.toString(node.adminPort()));
    }
    try {
      log = Files.createTempFile("propius-haproxy-", ".log");
      ProcessBuilder builder = new ProcessBuilder("haproxy", "-db", "-f", CONFIG.toString()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start haproxy (apt-get install haproxy): " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!listening(devicesPort) || !listening(jobsPort)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("haproxy did not come up: " + log());
      }
      sleep();
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.toFile().delete();
  }
}
