package io.propius.examples.fl.model;

/**
 * A model's quality on a dataset.
 *
 * @param loss mean cross-entropy
 * @param accuracy fraction classified right
 */
public record Evaluation(double loss, double accuracy) {
}
