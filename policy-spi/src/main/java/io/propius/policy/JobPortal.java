package io.propius.policy;

import io.propius.api.query.Constraints;
import io.propius.api.query.QuerySyntaxException;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * What a policy may know and change about jobs: the job database portal of the paper's Table 3.
 * It holds the live jobs (not finished, not expired) as of the start of the policy run; scores set
 * here are written back after the run. Field names are in {@link JobFields}.
 */
public interface JobPortal {
  /** Whether a live job has this id. */
  boolean exists(long jobId);

  /** Number of live jobs. */
  int size();

  /**
   * A numeric field of a job (see {@link JobFields}); a constraint the job does not set is NaN.
   *
   * @throws NoSuchElementException when no live job has this id
   * @throws IllegalArgumentException when the field is not a job field
   */
  double field(long jobId, String field);

  /**
   * Ids of the jobs whose fields satisfy a query in the Propius query language
   * ({@link io.propius.api.query.Query}), e.g. {@code "state == 2 and demand - amount > 0"} is not
   * valid (no arithmetic), but {@code "state == 2 and amount < demand"} is. Ordered by id.
   *
   * @throws QuerySyntaxException for a query that does not parse
   */
  List<Long> query(String query);

  /**
   * A job's public constraints (the device attributes it requires), e.g. to group jobs by
   * eligibility; {@link Constraints#toQuery()} turns them into a device query.
   *
   * @throws NoSuchElementException when no live job has this id
   */
  Constraints publicConstraints(long jobId);

  /** Sets the priority score of a job; client managers offer higher scores first. */
  void setScore(long jobId, double score);

  /** All live job ids, ordered by id; the same as {@code query("true")}. */
  default List<Long> ids() {
    return query("true");
  }
}
