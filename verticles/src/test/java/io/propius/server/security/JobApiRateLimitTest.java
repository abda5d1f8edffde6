package io.propius.server.security;

import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.edge.ratelimit.RateLimit;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.GrpcFailure;
import io.propius.server.testing.TestServer;
import io.propius.testing.Futures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;


/** Job API calls per tenant: one tenant's burst is refused, another tenant is still served. */
class JobApiRateLimitTest {
  private static final String KEY_A = "tenant-a-api-key-0001";
  private static final String KEY_B = "tenant-b-api-key-0001";

  @Test
  void aTenantOverItsCallRateIsRefusedAndOthersAreNot() {
    PropiusOptions options = TestServer.testOptions();
    options.security().setJobApiKeys(Map.of("a", KEY_A, "b", KEY_B));
    options.jobs().setRateLimitPerTenant(new RateLimit(0.1, 3));
    try (TestServer server = TestServer.start(options)) {
      RegisterJobRequest job = RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(1).build();
      List<Throwable> failures = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Throwable t = server.call(JobManagerGrpcClient.RegisterJob, job, KEY_A).toCompletionStage().handle((ok, err) -> err)
            .toCompletableFuture().join();
        failures.add(t);
      }
      assertThat(failures.subList(0, 3)).containsOnlyNulls();
      GrpcFailure refused = (GrpcFailure) unwrap(failures.get(3));
      assertThat(refused.errorCode).isEqualTo("RATE_LIMITED");
      assertThat(refused.statusMessage()).startsWith("tenant 'a' makes too many job API calls (jobs.rateLimitPerTenant)");
      assertThat(Futures.await(server.call(JobManagerGrpcClient.RegisterJob, job, KEY_B)).getJobId()).isPositive();
      assertThat(server.registry.get("propius.rate.limited").tag("limit", "tenant").counter().count()).isEqualTo(2);
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException c ? c.getCause() : t;
  }
}
