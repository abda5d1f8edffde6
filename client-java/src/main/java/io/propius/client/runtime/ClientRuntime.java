package io.propius.client.runtime;

import io.propius.api.ErrorCode;
import io.propius.client.PropiusClientException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Vert.x instance a client runs on, and the bridge from its futures to the blocking style.
 * A client creates (and later closes) its own Vert.x unless the application hands it one, so a
 * program that does not use Vert.x never sees it.
 */
public final class ClientRuntime {
  private final Vertx vertx;
  private final boolean owned;

  private ClientRuntime(Vertx vertx, boolean owned) {
    this.vertx = vertx;
    this.owned = owned;
  }

  /** Uses {@code vertx} when not null (the application keeps ownership), else a new private one. */
  public static ClientRuntime of(Vertx vertx) {
    return vertx != null ? new ClientRuntime(vertx, false) : new ClientRuntime(Vertx.vertx(), true);
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Waits for {@code future}. Failures come out as {@link PropiusClientException}.
   *
   * @throws IllegalStateException on a Vert.x event-loop thread, where blocking would stall every
   *     other task of that loop (use the {@code *Async} methods there)
   */
  public static <T> T await(Future<T> future, Duration timeout) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("a blocking Propius call on a Vert.x event loop; use the *Async method");
    }
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw PropiusClientException.wrap(e.getCause());
    } catch (TimeoutException e) {
      throw new PropiusClientException(ErrorCode.UNAVAILABLE, "no answer within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PropiusClientException(ErrorCode.UNAVAILABLE, "interrupted while waiting", 0, e);
    }
  }

  /** Closes the Vert.x instance if this runtime created it. */
  public Future<Void> close() {
    return owned ? vertx.close() : Future.succeededFuture();
  }
}
