package io.propius.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waiting for a condition that becomes true asynchronously (Awaitility, polled every 20 ms). */
public final class Eventually {
  private static final Duration POLL = Duration.ofMillis(20);

  private Eventually() {
  }

  /** Polls for up to 20 s until the condition holds. */
  public static void eventually(BooleanSupplier condition) {
    eventually(Duration.ofSeconds(20), condition, "the condition");
  }

  /**
   * Polls until the condition holds.
   *
   * @param what names the condition in the timeout's message
   * @throws ConditionTimeoutException when it does not hold within {@code timeout}
   */
  public static void eventually(Duration timeout, BooleanSupplier condition, String what) {
    Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
        .until(condition::getAsBoolean);
  }
}
