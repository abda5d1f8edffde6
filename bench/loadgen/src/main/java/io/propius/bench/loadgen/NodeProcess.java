package io.propius.bench.loadgen;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Propius node in a JVM of its own ({@code io.propius.server.Main} on this JVM's class path),
 * configured by environment variables as an operator would, its output in a log file. Its CPU time
 * is read from the operating system, so a benchmark can charge every process its share.
 */
final class NodeProcess implements AutoCloseable {
  /** What Hazelcast asks for in cluster mode (the server jar's manifest says the same). */
  private static final List<String> OPENS = List.of("--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  final int jobsPort = freePort();
  final int devicesPort = freePort();
  final int adminPort = freePort();
  final int dataPlanePort = freePort();
  private final Process process;

  private NodeProcess(Map<String, String> env, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m"));
    command.addAll(OPENS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.propius.server.Main"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("PROPIUS_"));
    builder.environment().putAll(Map.of("PROPIUS_JOBS_HOST", "127.0.0.1", "PROPIUS_JOBS_PORT", Integer.toString(jobsPort),
        "PROPIUS_DEVICES_HOST", "127.0.0.1", "PROPIUS_DEVICES_PORT", Integer.toString(devicesPort),
        "PROPIUS_ADMIN_HOST", "127.0.0.1", "PROPIUS_ADMIN_PORT", Integer.toString(adminPort),
        "PROPIUS_DATA_PLANE_HOST", "127.0.0.1", "PROPIUS_DATA_PLANE_PORT", Integer.toString(dataPlanePort)));
    builder.environment().putAll(env);
    process = builder.start();
  }

  /** Starts a node and waits until its {@code /readyz} answers 200 (it has joined its cluster, if any). */
  static NodeProcess start(Map<String, String> env, Path log) throws IOException, InterruptedException {
    NodeProcess node = new NodeProcess(env, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!node.ready()) {
      if (!node.process.isAlive() || System.nanoTime() > deadline) {
        node.close();
        throw new IllegalStateException("Propius node did not get ready; see " + log);
      }
      Thread.sleep(200);
    }
    return node;
  }

  private boolean ready() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + adminPort + "/readyz").toURL()
          .openConnection();
      c.setConnectTimeout(1_000);
      c.setReadTimeout(2_000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** CPU time (user + system) the process has used so far, as the operating system counts it. */
  static Duration cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().orElseThrow(() ->
        new IllegalStateException("the operating system does not report the CPU time of process " + process.pid()));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
