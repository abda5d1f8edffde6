package io.propius.policy.portal;

import io.propius.api.query.AttributeSource;
import io.propius.api.query.Constraints;

/**
 * One job as a policy sees it: its id, its numeric fields by {@link io.propius.policy.JobFields}
 * name (NaN for a constraint the job does not set), and its public constraints (null: none).
 */
public record JobRow(long id, AttributeSource fields, Constraints publicConstraints) {
  public JobRow {
    if (publicConstraints == null) {
      publicConstraints = Constraints.NONE;
    }
  }
}
