package io.propius.examples.fl.job;

/**
 * What one round did.
 *
 * @param startedAtMs when the job published the round, ms since the epoch
 * @param bound devices bound when the round's request ended
 * @param fillMs request to filled (or to giving up waiting)
 * @param contributors results in the aggregate
 */
public record RoundReport(int round, long startedAtMs, int bound, int demand, long fillMs, boolean filled,
                          long contributors, double loss, double accuracy, long roundMs) {
}
