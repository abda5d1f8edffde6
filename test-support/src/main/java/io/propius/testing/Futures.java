package io.propius.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking on a Vert.x future from a test thread (never from an event loop). */
public final class Futures {
  private static final Duration DEFAULT = Duration.ofSeconds(30);

  private Futures() {
  }

  /** Waits up to 30 s for the future's result; rethrows its failure. */
  public static <T> T await(Future<T> future) {
    return await(future, DEFAULT);
  }

  /** Waits up to {@code timeout} for the future's result; rethrows its failure (unchecked). */
  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The failure of a future that must fail (within 30 s). */
  public static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException | InterruptedException e) {
      throw new AssertionError("future did not complete", e);
    }
    throw new AssertionError("expected a failure, got success");
  }
}
