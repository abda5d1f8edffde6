package io.propius.client.allocation;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Subset Benchmarking (thesis §3.2, Algorithm 10 lines 9–16): the device times one real download
 * (e.g. the round's plan) and a few training iterations on {@code n} shards of its own data with
 * the job's model, and extrapolates — training is the same step repeated, so the rate on a subset
 * predicts the rate on the whole. The result never leaves the device.
 */
public final class SubsetBenchmark {
  private SubsetBenchmark() {
  }

  /**
   * @param download fetches something of representative size, timed for {@code b_k}
   * @param shards   shards trained on in the benchmark ({@code n})
   * @param train    trains one iteration over the given number of shards (on a copy of the
   *                 model, so the benchmark does not touch the parameters under training)
   */
  public static Future<DeviceBenchmark> measure(Supplier<Future<Buffer>> download, int shards,
                                                IntFunction<Future<?>> train) {
    if (shards < 1) {
      return Future.failedFuture(new IllegalArgumentException("benchmark needs at least 1 shard, got " + shards));
    }
    long t0 = System.nanoTime();
    return download.get().compose(bytes -> {
      long t1 = System.nanoTime();
      return train.apply(shards).map(v -> rates(bytes.length(), t1 - t0, shards, System.nanoTime() - t1));
    });
  }

  /** The blocking form: {@code download} returns the bytes, {@code train} trains in the calling thread. */
  public static DeviceBenchmark measure(Supplier<byte[]> download, int shards, IntConsumer train) {
    if (shards < 1) {
      throw new IllegalArgumentException("benchmark needs at least 1 shard, got " + shards);
    }
    long t0 = System.nanoTime();
    int bytes = download.get().length;
    long t1 = System.nanoTime();
    train.accept(shards);
    return rates(bytes, t1 - t0, shards, System.nanoTime() - t1);
  }

  private static DeviceBenchmark rates(long bytes, long downloadNanos, int shards, long trainNanos) {
    // A clock tick of 0 ns would give an infinite rate; one microsecond is below anything we can time.
    double downloadSeconds = Math.max(downloadNanos, 1_000) / 1e9;
    double trainSeconds = Math.max(trainNanos, 1_000) / 1e9;
    return new DeviceBenchmark(Math.max(bytes, 1) / downloadSeconds, shards / trainSeconds);
  }
}
