package io.propius.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real {@code redis-server} (the operating system's package) on a free port, for one test class.
 * Ephemeral by default ({@code --save "" --appendonly no}); {@link #durable()} keeps an
 * append-only file synced on every write in a temporary directory, so that {@link #kill()} and
 * {@link #restart()} on the same port lose nothing, like a production Redis with AOF.
 */
public final class RedisProcess implements AutoCloseable {
  public final int port;
  private final boolean durable;
  private final String password;
  private final Path dir;
  private Process process;

  private RedisProcess(boolean durable, String password) {
    this.port = FreePort.find();
    this.durable = durable;
    this.password = password;
    try {
      this.dir = Files.createTempDirectory("propius-redis-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    restart();
  }

  public static RedisProcess ephemeral() {
    return new RedisProcess(false, null);
  }

  public static RedisProcess durable() {
    return new RedisProcess(true, null);
  }

  public static RedisProcess withPassword(String password) {
    return new RedisProcess(false, password);
  }

  /** {@code redis://[:password@]127.0.0.1:port}. */
  public String uri() {
    return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
  }

  /** Starts the server (again, after {@link #kill()}) on the same port and waits until it answers PING. */
  public void restart() {
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--dir", dir.toString(), "--save", "", "--daemonize", "no", "--loglevel", "warning"));
    if (durable) {
      command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
    } else {
      command.addAll(List.of("--appendonly", "no"));
    }
    if (password != null) {
      command.addAll(List.of("--requirepass", password));
    }
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.log").toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (apt-get install redis-server): " + e.getMessage(), e);
    }
    try {
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
          .until(() -> answers() || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      // reported below with the log
    }
    if (!process.isAlive() || !answers()) {
      throw new IllegalStateException("redis-server did not come up on port " + port + ": " + log());
    }
  }

  /** Kills the server at once (SIGKILL), as a crash or a lost machine would. */
  public void kill() {
    Crash.kill(process);
  }

  /**
   * Stops the server without closing anything (SIGSTOP), as a stalled Redis would: connections stay
   * open and no command is answered until {@link #resume()}.
   */
  public void pause() {
    signal("STOP");
  }

  /** Lets a {@link #pause() paused} server go on (SIGCONT). */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether something on the port answers PING (with PONG, or NOAUTH when a password is set). */
  private boolean answers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[64];
      int n = in.read(reply);
      String text = n > 0 ? new String(reply, 0, n, StandardCharsets.US_ASCII) : "";
      return text.startsWith("+PONG") || text.startsWith("-NOAUTH");
    } catch (IOException e) {
      return false;
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
