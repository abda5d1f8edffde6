package io.propius.policy.portal;

import io.propius.api.query.AttributeSource;

/**
 * One job as a policy sees it: its id and its numeric fields by {@link io.propius.policy.JobFields}
 * name (NaN for a constraint the job does not set).
 */
public record JobRow(long id, AttributeSource fields) {
}
