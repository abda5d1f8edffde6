package io.propius.server.store.redis;

import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Sends calls of one kind (reservations, confirmations) to Redis in batches: a call goes out at
 * once while fewer than {@code maxInFlight} batches are on their way; otherwise it waits, with any
 * other calls that arrive meanwhile, for the next batch to leave, which happens as soon as one in
 * flight is answered. So an idle store adds no delay, and under load each script call carries what
 * arrived during the previous one's round trip (group commit, up to {@code maxBatch} items), with no
 * timer. The batch script answers each item on its own (an answer may fail alone, or still be on its
 * way); a failed batch fails each of its items. Each answer completes on its caller's context,
 * whichever thread the batch's reply came in on.
 * Callers from any thread.
 *
 * @param <T> an item of the script's arguments
 * @param <R> the answer to one item
 */
final class ScriptBatcher<T, R> {
  private record Pending<T, R>(T item, Promise<R> answer) {
  }

  private final Function<List<T>, Future<List<Future<R>>>> script;
  private final int maxBatch;
  private final int maxInFlight;
  private final DistributionSummary sizes;
  private final ArrayDeque<Pending<T, R>> waiting = new ArrayDeque<>();
  private int inFlight;

  /**
   * @param script runs one batch and answers its items, in order
   * @param sizes records the items of every batch sent
   */
  ScriptBatcher(Function<List<T>, Future<List<Future<R>>>> script, int maxBatch, int maxInFlight,
                DistributionSummary sizes) {
    this.script = script;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.sizes = sizes;
  }

  /** Runs the script for one item, in the next batch to leave; answers on {@code caller}. */
  Future<R> submit(T item, ContextInternal caller) {
    Promise<R> answer = caller.promise();
    List<Pending<T, R>> batch;
    synchronized (this) {
      waiting.add(new Pending<>(item, answer));
      if (inFlight >= maxInFlight) {
        return answer.future();
      }
      inFlight++;
      batch = take();
    }
    send(batch);
    return answer.future();
  }

  /** The next batch from the waiting calls, oldest first. Holding the lock. */
  private List<Pending<T, R>> take() {
    List<Pending<T, R>> batch = new ArrayList<>(Math.min(waiting.size(), maxBatch));
    while (!waiting.isEmpty() && batch.size() < maxBatch) {
      batch.add(waiting.poll());
    }
    return batch;
  }

  private void send(List<Pending<T, R>> batch) {
    sizes.record(batch.size());
    List<T> items = new ArrayList<>(batch.size());
    for (Pending<T, R> pending : batch) {
      items.add(pending.item());
    }
    Future<List<Future<R>>> answered;
    try {
      answered = script.apply(items);
    } catch (RuntimeException e) {
      answered = Future.failedFuture(e);
    }
    answered.onComplete(result -> {
      // The next batch leaves before this one's callers run (they write HTTP replies).
      List<Pending<T, R>> next;
      synchronized (this) {
        if (waiting.isEmpty()) {
          inFlight--;
          next = null;
        } else {
          next = take();
        }
      }
      if (next != null) {
        send(next);
      }
      answer(batch, result);
    });
  }

  private void answer(List<Pending<T, R>> batch, AsyncResult<List<Future<R>>> result) {
    if (result.failed()) {
      batch.forEach(pending -> pending.answer().fail(result.cause()));
      return;
    }
    List<Future<R>> answers = result.result();
    if (answers.size() != batch.size()) {
      IllegalStateException wrong = new IllegalStateException("the batch script answered " + answers.size()
          + " of " + batch.size() + " items");
      batch.forEach(pending -> pending.answer().fail(wrong));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      answers.get(i).onComplete(batch.get(i).answer());
    }
  }
}
