package io.propius.bench.dataplane;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under measurement in a JVM of its own, on this JVM's class path: its JIT
 * profiles, heap and GC are its own, as in a deployment, instead of shared with the load
 * generator and the server it is compared with. Its CPU time is read from the OS.
 *
 * <p>Not the tests' {@code io.propius.testing.JvmProcess}: a measured JVM needs the full JIT and
 * default heap (the tests' launcher stops at C1 and caps the heap to start fast), keeps the
 * caller's environment, is stopped gracefully and is killed if the bench is interrupted.
 */
final class ChildJvm implements AutoCloseable {
  private static final Pattern UP = Pattern.compile("is up on :(\\d+)");

  /** The line in which the process said it is up, and the port it named there. */
  private record Up(int port, String line) {
  }

  private final Process process;
  private final Up up;

  private ChildJvm(Process process, Up up) {
    this.process = process;
    this.up = up;
  }

  /**
   * Starts {@code mainClass} with {@code jvmArgs} (e.g. {@code --add-modules}) and waits until it prints
   * that it is up and on which port.
   *
   * @param cpus the CPUs it may run on, as {@code taskset -c} takes them (e.g. {@code 2-5}), so that it
   *     does not share cores with the load generator; null for any
   */
  static ChildJvm start(String name, String cpus, List<String> jvmArgs, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (cpus != null) {
      command.addAll(List.of("taskset", "-c", cpus));
    }
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // A bench stopped with Ctrl-C must not leave servers behind on their ports.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    CompletableFuture<Up> up = new CompletableFuture<>();
    List<String> output = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          Matcher m = UP.matcher(line);
          if (m.find()) {
            up.complete(new Up(Integer.parseInt(m.group(1)), line));
          } else if (!up.isDone()) {
            synchronized (output) {
              output.add(line);
            }
          }
        }
      } catch (IOException ignored) {
        // the process went away; the wait below reports it
      }
      synchronized (output) {
        up.completeExceptionally(new IllegalStateException(name + " exited before it was up: " + output));
      }
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ChildJvm(process, up.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not start: " + e.getMessage(), e);
    }
  }

  int port() {
    return up.port();
  }

  /** The line in which the process said it is up (an edge node names its float32 fold there). */
  String upLine() {
    return up.line();
  }

  /** The CPUs the OS lets the process run on, as {@code taskset -c} lists them. */
  String allowedCpus() {
    return ProcessCpu.allowedCpus(process.toHandle());
  }

  /** CPU time the process has used so far, all its threads but the JIT compilers' (see {@link ProcessCpu}). */
  long cpuNanos() {
    return ProcessCpu.withoutJitNanos(process.toHandle());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
