package io.propius.policy.portal;

import io.propius.api.query.AttributeSource;
import io.propius.api.query.Constraints;
import io.propius.api.query.Query;
import io.propius.policy.JobFields;
import io.propius.policy.JobPortal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * A {@link JobPortal} over a table of jobs taken at the start of a policy run; the scores the
 * policy sets are collected for the caller to write back. Used by the server's scheduler and by the
 * simulator alike. Not thread-safe: one run, one thread.
 */
public final class TableJobPortal implements JobPortal {
  private final TreeMap<Long, AttributeSource> jobs = new TreeMap<>();
  private final Map<Long, Constraints> constraints = new HashMap<>();
  private final Map<Long, Double> scores = new HashMap<>();
  private final QueryCache queries;

  public TableJobPortal(Collection<JobRow> rows) {
    this(rows, new QueryCache());
  }

  private TableJobPortal(Collection<JobRow> rows, QueryCache queries) {
    for (JobRow row : rows) {
      jobs.put(row.id(), row.fields());
      constraints.put(row.id(), row.publicConstraints());
    }
    this.queries = queries;
  }

  /** A portal over new rows that shares this one's parsed queries (for repeated runs). */
  public TableJobPortal next(Collection<JobRow> rows) {
    return new TableJobPortal(rows, queries);
  }

  @Override
  public boolean exists(long jobId) {
    return jobs.containsKey(jobId);
  }

  @Override
  public int size() {
    return jobs.size();
  }

  @Override
  public double field(long jobId, String field) {
    AttributeSource job = jobs.get(jobId);
    if (job == null) {
      throw new NoSuchElementException("no live job " + jobId);
    }
    if (!JobFields.isField(field)) {
      throw new IllegalArgumentException("'" + field + "' is not a job field; fields: " + JobFields.ALL);
    }
    if (JobFields.SCORE.equals(field) && scores.containsKey(jobId)) {
      return scores.get(jobId);
    }
    return job.valueOf(field);
  }

  @Override
  public List<Long> query(String query) {
    Query q = queries.get(query);
    List<Long> ids = new ArrayList<>();
    for (Map.Entry<Long, AttributeSource> e : jobs.entrySet()) {
      long id = e.getKey();
      if (q.test(name -> field(id, name))) {
        ids.add(id);
      }
    }
    return ids;
  }

  @Override
  public Constraints publicConstraints(long jobId) {
    Constraints c = constraints.get(jobId);
    if (c == null) {
      throw new NoSuchElementException("no live job " + jobId);
    }
    return c;
  }

  @Override
  public void setScore(long jobId, double score) {
    if (!jobs.containsKey(jobId)) {
      throw new NoSuchElementException("no live job " + jobId);
    }
    if (!Double.isFinite(score)) {
      throw new IllegalArgumentException("score of job " + jobId + " must be finite, got " + score);
    }
    scores.put(jobId, score);
  }

  /** Scores set during the run, by job id. */
  public Map<Long, Double> scores() {
    return Collections.unmodifiableMap(scores);
  }
}
