package io.propius.server.redis;

import io.propius.testing.Futures;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.RequestRoundResponse;
import io.propius.server.config.AdmissionOptions.TenantQuota;
import io.propius.server.config.PropiusOptions;
import io.propius.testing.FreePort;
import io.propius.server.testing.GrpcFailure;
import io.propius.server.testing.RedisServerEnv;
import io.propius.testing.RedisProcess;
import io.propius.testing.ServerProcess;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tenant's quota on devices asked for at once holds across two server processes sharing one
 * Redis: concurrent RequestRound calls for the tenant's jobs, half to each process, open exactly as
 * many rounds as fit, and the others are refused naming the quota.
 */
class TenantQuotaTwoProcessTest {
  @Test
  void openDemandQuotaHoldsAcrossTwoProcesses() {
    try (RedisProcess redis = RedisProcess.ephemeral()) {
      int jobsPort = FreePort.find();
      Map<String, String> env = RedisServerEnv.of(redis, "quota:", jobsPort, 0, 0);
      env.put("PROPIUS_ADMISSION_TENANTS", "{\"q\":{\"maxOpenDemand\":10}}");
      PropiusOptions options = TestServer.testOptions();
      options.store().setType("redis").setRedisUri(redis.uri()).setKeyPrefix("quota:");
      options.admission().getTenants().put("q", new TenantQuota(0, 0, 10));

      try (ServerProcess other = ServerProcess.start(env); TestServer here = TestServer.start(options)) {
        other.awaitUp();
        JobManagerGrpcClient there = JobManagerGrpcClient.create(GrpcClient.client(here.vertx, new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)),
            SocketAddress.inetSocketAddress(jobsPort, "127.0.0.1"));
        List<Long> jobs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          jobs.add(await((i % 2 == 0 ? here.jobs : there).registerJob(RegisterJobRequest.newBuilder().setTenant("q")
              .setTotalRounds(1).setEstDemand(3).build())).getJobId());
        }
        List<Future<RequestRoundResponse>> calls = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
          calls.add((i % 2 == 0 ? there : here.jobs).requestRound(RequestRoundRequest.newBuilder()
              .setJobId(jobs.get(i)).setDemand(3).build()));
        }
        await(Future.join(calls).otherwise(f -> null), Duration.ofSeconds(30));
        assertThat(calls.stream().filter(Future::succeeded).count()).as("3 rounds of 3 fit in 10").isEqualTo(3);
        assertThat(calls.stream().filter(Future::failed).map(f -> String.valueOf(f.cause())))
            .hasSize(5).allSatisfy(e -> assertThat(e).contains("RESOURCE_EXHAUSTED"));
        // What a refused caller is told (either process would say the same):
        long refused = jobs.get(calls.indexOf(calls.stream().filter(Future::failed).findFirst().orElseThrow()));
        GrpcFailure denied = (GrpcFailure) Futures.failure(here.call(JobManagerGrpcClient.RequestRound,
            RequestRoundRequest.newBuilder().setJobId(refused).setDemand(3).build()));
        assertThat(denied.errorCode).isEqualTo("ADMISSION_DENIED");
        assertThat(denied.statusMessage()).isEqualTo("tenant 'q' already asks for 9 devices in its open rounds; 3 more "
            + "would exceed its limit admission.tenants.q.maxOpenDemand = 10");
      }
    }
  }
}
