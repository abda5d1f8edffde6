package io.propius.testing;

import java.util.concurrent.TimeUnit;

/** Ending a process the way a crash or a lost machine would. */
final class Crash {
  private Crash() {
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed; waits (bounded) until it is gone. */
  static void kill(Process process) {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
