package io.propius.bench.loadgen;

import java.util.List;
import java.util.Locale;

/**
 * What one load phase measured.
 *
 * @param name       e.g. {@code bare}, {@code checkin}, {@code binding}
 * @param mode       {@code closed(C)} or {@code rate(R/s)}
 * @param seconds    measured time (after warm-up)
 * @param latencies  per operation (a binding is check-in + accept + confirm); for a rate run, from
 *                   the intended start, so queueing behind a slow server counts
 * @param noOffer    binding attempts that got no offer, or lost the round's last slot (409)
 * @param runsPerSecond for a median peak, the ops/s of every repeat
 */
public record PhaseResult(String name, String mode, double seconds, Latencies latencies, long noOffer,
    List<Double> runsPerSecond) {
  public PhaseResult(String name, String mode, double seconds, Latencies latencies, long noOffer) {
    this(name, mode, seconds, latencies, noOffer, List.of());
  }

  public double perSecond() {
    return latencies.ok() / seconds;
  }

  /** This (median) peak, with the ops/s of every repeat it was chosen from. */
  public PhaseResult withRuns(List<PhaseResult> runs) {
    return new PhaseResult(name, mode, seconds, latencies, noOffer, runs.stream().map(PhaseResult::perSecond).toList());
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%-8s %-14s %10.0f ops/s  ok=%d failed=%d unbound=%d  %s", name, mode, perSecond(),
        latencies.ok(), latencies.failed(), noOffer, latencies.summary());
  }
}
