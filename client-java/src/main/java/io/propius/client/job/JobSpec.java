package io.propius.client.job;

import io.propius.api.grpc.DataPlaneOptions;
import io.propius.api.grpc.RegisterJobRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a job registers with: its size (rounds × devices per round), the public constraints
 * Propius enforces, the private constraints devices check themselves, and the reducer the data
 * plane uses for its results.
 */
public final class JobSpec {
  private String name = "";
  private String tenant = "";
  private int totalRounds = 1;
  private int estDemand = 1;
  private final Map<String, Double> publicConstraints = new LinkedHashMap<>();
  private final Map<String, Double> privateConstraints = new LinkedHashMap<>();
  private String reducer = "fedavg";
  private String dataPlaneAddress = "";
  private String dataPlaneAudience = "";

  /** A job called {@code name} that expects {@code totalRounds} rounds of {@code estDemand} devices. */
  public static JobSpec of(String name, int totalRounds, int estDemand) {
    JobSpec spec = new JobSpec();
    spec.name = name;
    spec.totalRounds = totalRounds;
    spec.estDemand = estDemand;
    return spec;
  }

  public JobSpec tenant(String tenant) {
    this.tenant = tenant;
    return this;
  }

  /** Devices must report {@code attribute >= minimum} to be offered this job (enforced by Propius). */
  public JobSpec requirePublic(String attribute, double minimum) {
    publicConstraints.put(attribute, minimum);
    return this;
  }

  /** Passed to devices, which check {@code attribute >= minimum} privately before accepting. */
  public JobSpec requirePrivate(String attribute, double minimum) {
    privateConstraints.put(attribute, minimum);
    return this;
  }

  /** Reducer plug-in of the data plane for this job's results (default {@code fedavg}). */
  public JobSpec reducer(String reducer) {
    this.reducer = reducer;
    return this;
  }

  /** Base URL devices are sent to for plans and results; empty: the server's configured one. */
  public JobSpec dataPlaneAddress(String url) {
    this.dataPlaneAddress = url;
    return this;
  }

  /**
   * The data-plane audience behind {@link #dataPlaneAddress}: devices' task tokens for this job are
   * valid only at the nodes of that audience. Empty: the server's {@code security.taskAudience}.
   */
  public JobSpec dataPlaneAudience(String audience) {
    this.dataPlaneAudience = audience;
    return this;
  }

  public String name() {
    return name;
  }

  public String reducer() {
    return reducer;
  }

  RegisterJobRequest toRequest() {
    return RegisterJobRequest.newBuilder().setName(name).setTenant(tenant).setTotalRounds(totalRounds)
        .setEstDemand(estDemand).putAllPublicConstraints(publicConstraints).putAllPrivateConstraints(privateConstraints)
        .setDataPlane(DataPlaneOptions.newBuilder().setReducer(reducer).setAddress(dataPlaneAddress)
            .setAudience(dataPlaneAudience)).build();
  }
}
