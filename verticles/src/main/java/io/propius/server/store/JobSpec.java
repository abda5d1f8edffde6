package io.propius.server.store;

import io.propius.api.query.Constraints;

/** What a job asks for at registration, already validated. */
public record JobSpec(
    String tenant,
    String name,
    int totalRound,
    int estDemand,
    Constraints publicConstraints,
    Constraints privateConstraints,
    String jobAddress,
    String reducer,
    String dataPlaneAddress) {
}
