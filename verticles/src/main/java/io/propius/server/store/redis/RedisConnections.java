package io.propius.server.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A few long-lived connections to Redis, each pipelining many commands: a command goes out without
 * waiting for the replies of earlier ones, which is several times the throughput of a pool that
 * lends a connection per command. Commands are spread round-robin. A connection that closes, fails
 * or stops answering is dropped and the next command on its slot connects again, so the store
 * recovers by itself when Redis comes back.
 */
final class RedisConnections {
  private final Redis client;
  private final Slot[] slots;
  private final AtomicInteger next = new AtomicInteger();

  /** One connection, or the attempt to make it; replaced when it breaks. */
  private final class Slot {
    private Future<RedisConnection> connection;

    synchronized Future<RedisConnection> get() {
      if (connection == null || connection.failed()) {
        Future<RedisConnection> made = client.connect();
        connection = made;
        made.onSuccess(conn -> {
          conn.exceptionHandler(err -> drop(made));
          conn.endHandler(v -> drop(made));
        });
      }
      return connection;
    }

    synchronized void drop(Future<RedisConnection> broken) {
      if (broken != null && connection == broken) {
        connection = null;
        broken.onSuccess(RedisConnection::close);
      }
    }
  }

  RedisConnections(Vertx vertx, String uri, int connections, int maxPipelined) {
    // The client's pool only hands out the connections this class keeps.
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri)
        .setMaxPoolSize(connections).setMaxPoolWaiting(connections).setMaxWaitingHandlers(maxPipelined));
    this.slots = new Slot[connections];
    for (int i = 0; i < connections; i++) {
      slots[i] = new Slot();
    }
  }

  /** Sends one command; fails with {@link java.util.concurrent.TimeoutException} after {@code timeoutMs}. */
  Future<Response> send(Request request, long timeoutMs) {
    Slot slot = slots[Math.floorMod(next.getAndIncrement(), slots.length)];
    Future<RedisConnection> connection = slot.get();
    return connection.compose(conn -> conn.send(request)).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onFailure(err -> {
          if (err instanceof java.util.concurrent.TimeoutException) {
            slot.drop(connection); // a connection that stops answering is not trusted again
          }
        });
  }

  /** Sends commands back to back on one connection and collects their replies in order. */
  Future<List<Response>> batch(List<Request> requests, long timeoutMs) {
    Slot slot = slots[Math.floorMod(next.getAndIncrement(), slots.length)];
    Future<RedisConnection> connection = slot.get();
    return connection.compose(conn -> conn.batch(requests)).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onFailure(err -> {
          if (err instanceof java.util.concurrent.TimeoutException) {
            slot.drop(connection);
          }
        });
  }

  Future<Void> close() {
    for (Slot slot : slots) {
      synchronized (slot) {
        slot.drop(slot.connection);
      }
    }
    return client.close();
  }
}
