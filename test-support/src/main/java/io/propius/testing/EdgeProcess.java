package io.propius.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code io.propius.edge.EdgeMain} as a JVM of its own on the test class path, so a test can give
 * it resource limits an in-process node cannot have (a maximum file size, say) or kill it.
 */
public final class EdgeProcess implements AutoCloseable {
  private static final Pattern UP = Pattern.compile("Propius edge node .* is up on :(\\d+)");
  private final JvmProcess jvm;
  private final int port;

  private EdgeProcess(JvmProcess jvm) {
    this.jvm = jvm;
    try {
      this.port = Integer.parseInt(jvm.awaitLine(UP, Duration.ofSeconds(60)).group(1));
    } catch (AssertionError e) {
      jvm.kill();
      throw e;
    }
  }

  /**
   * Starts a node and waits until it listens.
   *
   * @param ulimit  a {@code bash ulimit} setting such as {@code "-f 64"} (file size in KiB), or empty
   * @param keys    the node's keys file
   * @param flags   {@code EdgeMain} flags; {@code --host 127.0.0.1 --port 0} are added
   */
  public static EdgeProcess start(String ulimit, Path keys, List<String> flags) {
    return start(ulimit, keys, flags, List.of("-Xmx128m"));
  }

  /** Starts a node with these JVM options (a larger heap for model-sized uploads, say). */
  public static EdgeProcess start(String ulimit, Path keys, List<String> flags, List<String> jvmOptions) {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--keys", keys.toString()));
    args.addAll(flags);
    return new EdgeProcess(JvmProcess.start("io.propius.edge.EdgeMain", args, jvmOptions, ulimit, Map.of()));
  }

  public int port() {
    return port;
  }

  /** The lines the node has printed on standard output so far (its start line first). */
  public List<String> stdout() {
    return jvm.stdout;
  }

  /** Kills the JVM at once (SIGKILL): a crash, nothing flushed. */
  @Override
  public void close() {
    jvm.kill();
  }
}
