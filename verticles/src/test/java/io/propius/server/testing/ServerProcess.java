package io.propius.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The launcher, {@code io.propius.server.Main}, as a separate JVM on the test class path, configured
 * by environment variables the way an operator would; its output lines are collected.
 */
public final class ServerProcess implements AutoCloseable {
  public final List<String> stdout = new CopyOnWriteArrayList<>();
  public final List<String> stderr = new CopyOnWriteArrayList<>();
  private final Process process;
  private final List<Thread> readers = new ArrayList<>();

  private ServerProcess(Process process) {
    this.process = process;
    readers.add(collect(process.getInputStream(), stdout));
    readers.add(collect(process.getErrorStream(), stderr));
  }

  public static ServerProcess start(Map<String, String> env) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        // What Hazelcast asks for in cluster mode (the jar's manifest says the same).
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "io.propius.server.Main"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("PROPIUS_"));
    builder.environment().putAll(env);
    try {
      return new ServerProcess(builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the server process", e);
    }
  }

  private static Thread collect(InputStream in, List<String> lines) {
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "server-process-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  /** Waits until the server says it is up; fails with its output if it exits or takes too long. */
  public void awaitUp() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (stdout.stream().noneMatch(l -> l.startsWith("Propius is up"))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("server did not come up; stdout " + stdout + ", stderr " + stderr);
      }
      sleep();
    }
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  public int awaitExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("server did not exit; stdout " + stdout + ", stderr " + stderr);
      }
      for (Thread reader : readers) {
        reader.join(5_000); // the streams end with the process; this collects its last lines
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the JVM at once (SIGKILL): no shutdown hook, nothing flushed. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    kill();
  }
}
