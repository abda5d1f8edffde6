package io.propius.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server's launcher, {@code io.propius.server.Main}, as a separate JVM on the test class path,
 * configured by environment variables the way an operator would; its output lines are collected.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern UP = Pattern.compile("^Propius is up");
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC",
      // What Hazelcast asks for in cluster mode (the jar's manifest says the same).
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  public final List<String> stdout;
  public final List<String> stderr;
  private final JvmProcess jvm;

  private ServerProcess(JvmProcess jvm) {
    this.jvm = jvm;
    this.stdout = jvm.stdout;
    this.stderr = jvm.stderr;
  }

  public static ServerProcess start(Map<String, String> env) {
    return new ServerProcess(JvmProcess.start("io.propius.server.Main", List.of(), JVM, "", env));
  }

  /** Waits until the server says it is up; fails with its output if it exits or takes too long. */
  public void awaitUp() {
    jvm.awaitLine(UP, PATIENCE);
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  public int awaitExit() {
    return jvm.awaitExit(PATIENCE);
  }

  public boolean isAlive() {
    return jvm.isAlive();
  }

  /** Kills the JVM at once (SIGKILL): no shutdown hook, nothing flushed. */
  public void kill() {
    jvm.kill();
  }

  @Override
  public void close() {
    kill();
  }
}
