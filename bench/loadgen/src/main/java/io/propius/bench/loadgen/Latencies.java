package io.propius.bench.loadgen;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Latencies of one phase in an HdrHistogram (microseconds, 1 µs to 60 s, 3 significant digits),
 * plus its completed and failed operations. Recorded from one event loop thread.
 */
public final class Latencies {
  private final Histogram histogram = new Histogram(1, 60_000_000, 3);
  private long ok;
  private long failed;

  public void record(long nanos) {
    histogram.recordValue(Math.max(1, Math.min(60_000_000, nanos / 1000)));
    ok++;
  }

  public void fail() {
    failed++;
  }

  public long ok() {
    return ok;
  }

  public long failed() {
    return failed;
  }

  /** Percentile in milliseconds. */
  public double percentileMs(double p) {
    return histogram.getValueAtPercentile(p) / 1000.0;
  }

  public String summary() {
    return String.format(Locale.ROOT, "p50=%.2fms p90=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms", percentileMs(50),
        percentileMs(90), percentileMs(99), percentileMs(99.9), histogram.getMaxValue() / 1000.0);
  }
}
