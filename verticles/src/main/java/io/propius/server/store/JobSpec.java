package io.propius.server.store;

import io.propius.api.query.Constraints;

/**
 * What a job asks for at registration, already validated.
 *
 * @param dataPlaneAudience the data-plane audience its task tokens name; empty for security.taskAudience
 */
public record JobSpec(
    String tenant,
    String name,
    int totalRound,
    int estDemand,
    Constraints publicConstraints,
    Constraints privateConstraints,
    String jobAddress,
    String reducer,
    String dataPlaneAddress,
    String dataPlaneAudience) {
}
