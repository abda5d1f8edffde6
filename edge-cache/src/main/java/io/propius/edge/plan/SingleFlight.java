package io.propius.edge.plan;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Concurrent requests for the same key share one upstream call: the first starts it, the others
 * get the same future until it completes. Confined to one event loop.
 */
public final class SingleFlight<K, V> {
  private final Map<K, Future<V>> inFlight = new HashMap<>();

  /** The running call for {@code key}, or a new one from {@code call}. */
  public Future<V> run(K key, Supplier<Future<V>> call) {
    Future<V> running = inFlight.get(key);
    if (running != null) {
      return running;
    }
    Future<V> started = call.get();
    if (!started.isComplete()) {
      inFlight.put(key, started);
      started.onComplete(ar -> inFlight.remove(key));
    }
    return started;
  }
}
