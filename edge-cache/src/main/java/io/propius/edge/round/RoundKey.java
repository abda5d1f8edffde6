package io.propius.edge.round;

/** One round of one job. */
public record RoundKey(long job, int round) {
  @Override
  public String toString() {
    return "job " + job + " round " + round;
  }
}
