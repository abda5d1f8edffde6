package io.propius.examples.fl.job;

import io.propius.client.job.JobSpec;

/**
 * One federated job of the demo.
 *
 * @param task which local dataset its devices train on
 * @param demand devices per round
 * @param roundMs time from publishing a round to its deadline
 * @param spec registration: name, constraints (public and private)
 */
public record JobSettings(String task, String model, int hidden, int rounds, int demand, long roundMs,
                          double learningRate, int epochs, int batch, int shardSize, JobSpec spec) {
}
