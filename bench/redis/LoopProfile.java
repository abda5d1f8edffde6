import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the server's event loops spend their samples in a JFR recording of the embedded load
 * generator (`binding-profile.sh`): shares of the server loops' execution samples, inclusive (a
 * sample counts for every step on its stack), in the window [FROM, TO] (epoch ms), and the methods
 * most often on top of the stack. The server and the load generator each run a Vert.x whose loops
 * share a name; a loop that ever ran the load generator's code (io.propius.bench) is the load generator's.
 * java bench/redis/LoopProfile.java RECORDING.jfr FROM_MS TO_MS
 */
public class LoopProfile {
  /** A step of the binding path, recognised by a frame on the stack. */
  private record Step(String name, Predicate<String> frame) {
  }

  private static final List<Step> STEPS = List.of(
      new Step("Redis related (client, store, batcher, connections)", f -> f.startsWith("io.vertx.redis.")
          || f.startsWith("io.propius.server.store.redis.")),
      new Step("  Redis client: reading replies (RESP parser, Response trees)", f -> f.startsWith("io.vertx.redis.client.impl.RESPParser")
          || f.startsWith("io.vertx.redis.client.impl.ReadableBuffer") || f.startsWith("io.vertx.redis.client.impl.types.")),
      new Step("  Redis client: a reply to its command's future (RedisStandaloneConnection.handle)",
          f -> f.startsWith("io.vertx.redis.client.impl.RedisStandaloneConnection.handle")),
      new Step("  Redis client: sending (encode, write)", f -> f.startsWith("io.vertx.redis.client.impl.RedisStandaloneConnection.send")
          || f.startsWith("io.vertx.redis.client.impl.PooledRedisConnection.send")
          || f.startsWith("io.vertx.redis.client.impl.RequestImpl")),
      new Step("  store: building a batch's EVALSHA (reserveBatch, confirmBatch)", f -> f.contains("RedisJobStore.reserveBatch")
          || f.contains("RedisJobStore.confirmBatch") || f.contains("RedisJobStore.batchCall")),
      new Step("  store: answers from the reply (reservations, confirmations, JobHash)", f -> f.contains("RedisJobStore.reservations")
          || f.contains("RedisJobStore.confirmations") || f.contains("JobHash.")),
      new Step("  ScriptBatcher", f -> f.startsWith("io.propius.server.store.redis.ScriptBatcher")),
      new Step("  RedisConnections", f -> f.startsWith("io.propius.server.store.redis.RedisConnections")),
      new Step("device handlers (io.propius.server.device)", f -> f.startsWith("io.propius.server.device.")),
      new Step("gRPC / HTTP/2 (job polls)", f -> f.startsWith("io.grpc.") || f.startsWith("io.vertx.grpc")
          || f.startsWith("io.netty.handler.codec.http2")),
      new Step("metrics (Micrometer)", f -> f.startsWith("io.micrometer.")),
      new Step("Netty: socket writes", f -> f.startsWith("io.netty.channel.socket.nio.NioSocketChannel.doWrite")
          || f.startsWith("io.netty.channel.epoll.AbstractEpollStreamChannel.doWrite")),
      new Step("Netty: socket reads", f -> f.startsWith("io.netty.channel.socket.nio.NioSocketChannel.doReadBytes")
          || f.startsWith("io.netty.channel.epoll.AbstractEpollStreamChannel.doReadBytes")),
      new Step("Netty: waiting for sockets (select, epoll_wait)", f -> f.startsWith("io.netty.channel.nio.NioIoHandler.select")
          || f.startsWith("io.netty.channel.epoll.Native.epollWait")));

  /**
   * Who owns a sample, exclusively: the first frame from the top of the stack that belongs to one of
   * these, so Netty's and the JDK's frames count for the code that called them (a socket write under
   * the Redis client's send is the client's).
   */
  private static final List<Step> OWNERS = List.of(
      new Step("store: ScriptBatcher", f -> f.startsWith("io.propius.server.store.redis.ScriptBatcher")),
      new Step("store: RedisConnections", f -> f.startsWith("io.propius.server.store.redis.RedisConnections")),
      new Step("store: RedisJobStore, JobHash", f -> f.startsWith("io.propius.server.store.redis.")),
      new Step("Redis client: parsing replies", f -> f.startsWith("io.vertx.redis.client.impl.RESPParser")
          || f.startsWith("io.vertx.redis.client.impl.ReadableBuffer") || f.startsWith("io.vertx.redis.client.impl.types.")),
      new Step("Redis client: the rest (encode, send, reply dispatch)", f -> f.startsWith("io.vertx.redis.")),
      new Step("device handlers", f -> f.startsWith("io.propius.server.device.")),
      new Step("tokens", f -> f.startsWith("io.propius.api.token.")),
      new Step("other Propius", f -> f.startsWith("io.propius.")),
      new Step("Jackson", f -> f.startsWith("com.fasterxml.jackson.")),
      new Step("Micrometer", f -> f.startsWith("io.micrometer.")),
      new Step("gRPC / HTTP/2", f -> f.startsWith("io.grpc.") || f.startsWith("io.vertx.grpc")
          || f.startsWith("io.netty.handler.codec.http2")),
      new Step("Vert.x futures", f -> f.startsWith("io.vertx.core.impl.future.") || f.startsWith("io.vertx.core.Promise")
          || f.startsWith("io.vertx.core.Future")),
      new Step("Vert.x HTTP", f -> f.startsWith("io.vertx.core.http.") || f.startsWith("io.netty.handler.codec.http.")),
      new Step("Vert.x other", f -> f.startsWith("io.vertx.")),
      new Step("Netty: waiting for sockets", f -> f.startsWith("io.netty.channel.nio.NioIoHandler.select")
          || f.startsWith("io.netty.channel.epoll.Native.epollWait")));

  public static void main(String[] args) throws Exception {
    long from = Long.parseLong(args[1]);
    long to = Long.parseLong(args[2]);
    List<RecordedEvent> samples = new ArrayList<>();
    Set<Long> loadgen = new HashSet<>();
    try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        var thread = e.getThread("sampledThread");
        if (thread == null || thread.getJavaName() == null || !thread.getJavaName().startsWith("vert.x-eventloop-thread-")) {
          continue;
        }
        if (e.getStackTrace().getFrames().stream().anyMatch(f -> f.getMethod().getType().getName()
            .startsWith("io.propius.bench."))) {
          loadgen.add(thread.getJavaThreadId());
        }
        long t = e.getStartTime().toEpochMilli();
        if (t >= from && t <= to) {
          samples.add(e);
        }
      }
    }
    Map<String, Integer> steps = new LinkedHashMap<>();
    STEPS.forEach(s -> steps.put(s.name(), 0));
    Map<String, Integer> tops = new HashMap<>();
    Map<String, Integer> owners = new LinkedHashMap<>();
    OWNERS.forEach(s -> owners.put(s.name(), 0));
    Set<Long> server = new HashSet<>();
    int n = 0;
    int others = 0;
    for (RecordedEvent e : samples) {
      long thread = e.getThread("sampledThread").getJavaThreadId();
      if (loadgen.contains(thread)) {
        others++;
        continue;
      }
      server.add(thread);
      n++;
      List<String> frames = new ArrayList<>();
      for (RecordedFrame f : e.getStackTrace().getFrames()) {
        frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
      }
      for (Step s : STEPS) {
        if (frames.stream().anyMatch(s.frame())) {
          steps.merge(s.name(), 1, Integer::sum);
        }
      }
      owners.merge(owner(frames), 1, Integer::sum);
      tops.merge(frames.isEmpty() ? "?" : frames.get(0), 1, Integer::sum);
    }
    System.out.printf("window %s to %s: %d samples of the server's %d event loops (%d of the load generator's)%n",
        Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), n, server.size(), others);
    int total = n;
    steps.forEach((name, c) -> System.out.printf("%5.1f %%  %s%n", 100.0 * c / total, name));
    System.out.println("owned by (exclusive; Netty and JDK frames count for their caller):");
    owners.forEach((name, c) -> System.out.printf("%5.1f %%  %s%n", 100.0 * c / total, name));
    System.out.println("on top of the stack:");
    tops.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(25)
        .forEach(t -> System.out.printf("%5.1f %%  %s%n", 100.0 * t.getValue() / total, t.getKey()));
  }

  private static String owner(List<String> frames) {
    for (String f : frames) {
      for (Step s : OWNERS) {
        if (s.frame().test(f)) {
          return s.name();
        }
      }
    }
    return "Netty and JDK only (socket reads, the loop itself)";
  }
}
