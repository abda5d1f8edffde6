package io.propius.examples.fl.job;

import io.propius.client.job.JobSpec;

/**
 * One federated job of the demo.
 *
 * @param task which local dataset its devices train on
 * @param demand devices per round
 * @param overSelection extra devices asked for beyond {@code demand} (backup workers): the round
 *     closes at {@code demand} results and stragglers are not waited for; 0 for a sync round
 * @param roundMs time from publishing a round to its deadline
 * @param spec registration: name, constraints (public and private)
 */
public record JobSettings(String task, String model, int hidden, int rounds, int demand, int overSelection, long roundMs,
                          double learningRate, int epochs, int batch, int shardSize, JobSpec spec) {
  /** Devices requested per round. */
  public int requested() {
    return demand + overSelection;
  }

  /** The round's mode as the summary shows it. */
  public String modeLabel() {
    return overSelection > 0 ? "overselect+" + overSelection : "sync";
  }
}
