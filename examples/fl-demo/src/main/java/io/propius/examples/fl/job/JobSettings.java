package io.propius.examples.fl.job;

import io.propius.api.round.RoundMode;
import io.propius.client.job.JobSpec;

/**
 * One federated job of the demo.
 *
 * @param task which local dataset its devices train on
 * @param demand results that complete a round
 * @param mode how the data plane closes its rounds: {@code sync} aggregates what arrived by the
 *     deadline; {@code overselect} asks for {@code extra} more devices than results needed and
 *     closes at {@code demand} (backup workers); {@code async} closes at {@code demand} results and
 *     takes updates trained on up to {@code extra} rounds before (the staleness bound)
 * @param extra over-selected devices ({@code overselect}) or the staleness bound ({@code async})
 * @param roundMs time from publishing a round to its deadline
 * @param constraints the constraints as the summary shows them
 * @param spec registration: name, constraints (public and private)
 */
public record JobSettings(String task, String model, int hidden, int rounds, int demand, RoundMode mode, int extra,
                          long roundMs, double learningRate, int epochs, int batch, int shardSize, String constraints,
                          JobSpec spec) {
  /** Devices requested per round. */
  public int requested() {
    return mode == RoundMode.OVERSELECT ? demand + extra : demand;
  }

  /** The round's mode as the summary shows it. */
  public String modeLabel() {
    return switch (mode) {
      case SYNC -> "sync+deadline";
      case OVERSELECT -> "overselect+" + extra;
      case ASYNC -> "async,stale<=" + extra;
    };
  }

  public String name() {
    return spec.name();
  }
}
