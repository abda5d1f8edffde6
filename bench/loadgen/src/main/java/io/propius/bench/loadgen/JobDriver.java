package io.propius.bench.loadgen;

import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Jobs over real gRPC that always want devices: each registers, asks for {@code demand} devices a
 * round, and, polling its state every {@value #DEFAULT_POLL_MS} ms, ends a filled round and asks for
 * the next one. Heartbeats keep the jobs alive.
 *
 * <p>Not a watch ({@code WatchJob}): it would stream every bind and confirmation to the driver, more
 * work for the server than the binding path it measures. And not a faster poll: at 5 ms, four jobs'
 * 800 {@code GetJob} calls a second took about a fifth of the server's event-loop time in the
 * binding benchmark. At 50 ms a filled round waits 25 ms on average for its successor, while a
 * round of 10,000 devices lasts seconds.
 */
public final class JobDriver {
  private final Vertx vertx;
  private final GrpcClient grpc;
  private final JobManagerGrpcClient jobs;
  private final int demand;
  private final long pollMs;
  static final long DEFAULT_POLL_MS = 50;
  private final List<Long> ids = new ArrayList<>();
  private final AtomicLong roundsFilled = new AtomicLong();
  private long timer = -1;
  private boolean polling;
  private volatile boolean stopped;

  public JobDriver(Vertx vertx, String host, int port, int demand) {
    this(vertx, host, port, demand, DEFAULT_POLL_MS);
  }

  /** @param pollMs how often each job's state is polled (and a filled round replaced) */
  public JobDriver(Vertx vertx, String host, int port, int demand, long pollMs) {
    this.vertx = vertx;
    this.grpc = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    this.jobs = JobManagerGrpcClient.create(grpc, SocketAddress.inetSocketAddress(port, host));
    this.demand = demand;
    this.pollMs = pollMs;
  }

  /** Registers {@code count} jobs and opens their first rounds. */
  public Future<Void> start(int count) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      int n = i;
      chain = chain.compose(v -> jobs.registerJob(RegisterJobRequest.newBuilder().setName("loadgen-" + n)
              .setTotalRounds(100_000).setEstDemand(demand).build()))
          .compose(r -> {
            ids.add(r.getJobId());
            return jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(r.getJobId()).setDemand(demand).build());
          })
          .mapEmpty();
    }
    return chain.onSuccess(v -> timer = vertx.setPeriodic(pollMs, t -> poll()));
  }

  /** Rounds that filled and were replaced by a new one. */
  public long roundsFilled() {
    return roundsFilled.get();
  }

  public List<Long> jobIds() {
    return List.copyOf(ids);
  }

  private long lastHeartbeat;

  private void poll() {
    if (polling || stopped) {
      return;
    }
    polling = true;
    boolean heartbeat = System.currentTimeMillis() - lastHeartbeat > 1000;
    if (heartbeat) {
      lastHeartbeat = System.currentTimeMillis();
    }
    List<Future<?>> all = new ArrayList<>();
    try {
      poll(heartbeat, all);
    } catch (IllegalStateException closedMeanwhile) {
      // stop() closed the client while this tick was starting; nothing to do any more.
      if (!stopped) {
        throw closedMeanwhile;
      }
    }
    Future.join(all).onComplete(ar -> polling = false);
  }

  private void poll(boolean heartbeat, List<Future<?>> all) {
    for (long id : ids) {
      if (heartbeat) {
        all.add(jobs.heartbeat(HeartbeatRequest.newBuilder().setJobId(id).build()));
      }
      all.add(jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build()).compose(s -> {
        if (!stopped && s.getDemand() > 0 && s.getAmount() >= s.getDemand()) {
          return jobs.endRound(EndRoundRequest.newBuilder().setJobId(id).setRound(s.getRound()).build())
              .compose(e -> jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(id).setDemand(demand).build()))
              .onSuccess(r -> roundsFilled.incrementAndGet());
        }
        return Future.succeededFuture();
      }));
    }
  }

  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return grpc.close();
  }
}
