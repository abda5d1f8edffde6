package io.propius.server.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.PooledRedisConnection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
          // Broken already: forget it; the client evicts it from its pool by itself.
          conn.exceptionHandler(err -> forget(made));
          conn.endHandler(v -> forget(made));
        });
      }
      return connection;
    }

    synchronized void forget(Future<RedisConnection> broken) {
      if (broken != null && connection == broken) {
        connection = null;
      }
    }

    /** Forgets a connection that stopped answering and closes its socket, so it is never reused. */
    synchronized void drop(Future<RedisConnection> hung) {
      forget(hung);
      hung.onSuccess(conn -> {
        if (conn instanceof PooledRedisConnection pooled) {
          pooled.actual().forceClose();
        }
      });
    }
  }

  RedisConnections(Vertx vertx, String uri, int connections, int maxPipelined) {
    // The client's pool only hands out the connections this class keeps; the headroom lets a slot
    // connect again while the pool is still evicting the connection it replaces.
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri)
        .setMaxPoolSize(2 * connections).setMaxPoolWaiting(2 * connections).setMaxWaitingHandlers(maxPipelined));
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
          if (err instanceof TimeoutException) {
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
          if (err instanceof TimeoutException) {
            slot.drop(connection);
          }
        });
  }

  Future<Void> close() {
    return client.close();
  }
}
