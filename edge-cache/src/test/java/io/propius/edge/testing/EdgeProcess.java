package io.propius.edge.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code io.propius.edge.EdgeMain} as a JVM of its own on the test class path, started through
 * {@code bash} so a test can give it resource limits an in-process node cannot have (a maximum
 * file size, say). Its output lines are collected.
 */
public final class EdgeProcess implements AutoCloseable {
  private static final Pattern UP = Pattern.compile("Propius edge node .* is up on :(\\d+)");
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final int port;

  private EdgeProcess(Process process) {
    this.process = process;
    collect(process.getInputStream());
    this.port = awaitUp();
  }

  /**
   * Starts a node and waits until it listens.
   *
   * @param ulimit  a {@code bash ulimit} setting such as {@code "-f 64"} (file size in KiB), or empty
   * @param keys    the node's keys file
   * @param flags   {@code EdgeMain} flags; {@code --host 127.0.0.1 --port 0} are added
   */
  public static EdgeProcess start(String ulimit, Path keys, List<String> flags) {
    List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "io.propius.edge.EdgeMain", "--host", "127.0.0.1", "--port", "0", "--keys", keys.toString()));
    java.addAll(flags);
    // exec: the JVM replaces the shell, so killing the process kills the node.
    String command = (ulimit.isEmpty() ? "" : "ulimit " + ulimit + " && ") + "exec \"$@\"";
    List<String> argv = new ArrayList<>(List.of("bash", "-c", command, "edge-node"));
    argv.addAll(java);
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("PROPIUS_"));
    try {
      return new EdgeProcess(builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start an edge node process", e);
    }
  }

  public int port() {
    return port;
  }

  private void collect(InputStream in) {
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          output.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "edge-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  private int awaitUp() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && process.isAlive()) {
      for (String line : output) {
        Matcher m = UP.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new AssertionError("edge node did not come up; output " + output);
  }

  /** Kills the JVM at once (SIGKILL): a crash, nothing flushed. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
