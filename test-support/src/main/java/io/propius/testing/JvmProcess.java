package io.propius.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A main class of the test's class path in a JVM of its own, configured by environment variables
 * the way an operator would (inherited {@code PROPIUS_*} variables are dropped), optionally under
 * {@code bash ulimit} limits; its output lines are collected as they come.
 */
public final class JvmProcess implements AutoCloseable {
  public final List<String> stdout = new CopyOnWriteArrayList<>();
  public final List<String> stderr = new CopyOnWriteArrayList<>();
  private final Process process;
  private final List<Thread> readers = new ArrayList<>();

  private JvmProcess(Process process, String name) {
    this.process = process;
    readers.add(collect(process.getInputStream(), stdout, name));
    readers.add(collect(process.getErrorStream(), stderr, name));
  }

  /**
   * @param jvmOptions options before the class path, e.g. {@code -Xmx256m}
   * @param ulimit  a {@code bash ulimit} setting such as {@code "-f 64"} (file size in KiB), or empty
   * @param env     environment variables added to this process's (minus its {@code PROPIUS_*})
   */
  public static JvmProcess start(String mainClass, List<String> args, List<String> jvmOptions, String ulimit,
                                 Map<String, String> env) {
    List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1"));
    java.addAll(jvmOptions);
    java.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    java.addAll(args);
    List<String> command = java;
    if (!ulimit.isEmpty()) {
      // exec: the JVM replaces the shell, so killing the process kills the JVM.
      command = new ArrayList<>(List.of("bash", "-c", "ulimit " + ulimit + " && exec \"$@\"", "jvm"));
      command.addAll(java);
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("PROPIUS_"));
    builder.environment().putAll(env);
    try {
      return new JvmProcess(builder.start(), mainClass);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + mainClass, e);
    }
  }

  private static Thread collect(InputStream in, List<String> lines, String name) {
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  /**
   * Waits for a line of standard output matching {@code line}.
   *
   * @throws AssertionError with the process's output when it exits first or takes longer than {@code timeout}
   */
  public Matcher awaitLine(Pattern line, Duration timeout) {
    try {
      Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
          .until(() -> firstLine(line) != null || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      // reported below with the output
    }
    Matcher found = firstLine(line);
    if (found == null) {
      throw new AssertionError("no line matching '" + line + "'; stdout " + stdout + ", stderr " + stderr);
    }
    return found;
  }

  private Matcher firstLine(Pattern line) {
    for (String l : stdout) {
      Matcher m = line.matcher(l);
      if (m.find()) {
        return m;
      }
    }
    return null;
  }

  /** Waits for the process to exit by itself (with all its output read) and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("process did not exit; stdout " + stdout + ", stderr " + stderr);
      }
      for (Thread reader : readers) {
        reader.join(5_000); // the streams end with the process; this collects its last lines
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the JVM at once (SIGKILL): a crash, no shutdown hook, nothing flushed. */
  public void kill() {
    Crash.kill(process);
  }

  @Override
  public void close() {
    kill();
  }
}
