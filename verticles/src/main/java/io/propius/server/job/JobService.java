package io.propius.server.job;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.EndRoundResponse;
import io.propius.api.grpc.FinishJobRequest;
import io.propius.api.grpc.FinishJobResponse;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.HeartbeatResponse;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RegisterJobResponse;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.policy.med.plan.DataWork;
import io.propius.api.grpc.RequestRoundResponse;
import io.propius.api.query.Constraints;
import io.propius.server.config.AdmissionOptions;
import io.propius.server.config.JobsOptions;
import io.propius.server.config.SecurityOptions;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.store.Job;
import io.propius.server.store.JobSpec;
import io.propius.server.store.JobStore;
import io.vertx.core.Future;
import java.net.URI;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The job manager's operations (paper Table 1), independent of transport: validation, admission
 * control, the store call, and the job event that tells the scheduler and the watchers.
 */
public final class JobService {
  private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern REDUCER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  /** Reducer used when a job names none: FedAvg, the common case. */
  public static final String DEFAULT_REDUCER = "fedavg";

  private final JobStore store;
  private final JobEvents events;
  private final JobsOptions options;
  private final AdmissionOptions admission;
  private final SecurityOptions security;
  private final PropiusMetrics metrics;
  private final LongSupplier clock;

  public JobService(JobStore store, JobEvents events, JobsOptions options, AdmissionOptions admission,
                    SecurityOptions security, PropiusMetrics metrics, LongSupplier clock) {
    this.store = store;
    this.events = events;
    this.options = options;
    this.admission = admission;
    this.security = security;
    this.metrics = metrics;
    this.clock = clock;
  }

  public Future<RegisterJobResponse> register(JobCaller caller, RegisterJobRequest req) {
    JobSpec spec;
    try {
      spec = validate(req, caller.tenantFor(req.getTenant()));
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    return store.register(spec, admission.limitsFor(spec.tenant()), clock.getAsLong()).map(job -> {
      metrics.jobRegistered();
      events.publish(job, JobEvent.Type.JOB_REGISTERED);
      return RegisterJobResponse.newBuilder().setJobId(job.id())
          .setHeartbeatTimeoutMs((int) options.getHeartbeatTimeoutMs())
          .setHeartbeatIntervalMs((int) Math.max(1, options.getHeartbeatTimeoutMs() / 3)).build();
    });
  }

  private JobSpec validate(RegisterJobRequest req, String requestedTenant) {
    String tenant = requestedTenant.isEmpty() ? "default" : requestedTenant;
    if (!TENANT.matcher(tenant).matches()) {
      throw PropiusException.invalid("tenant '" + tenant + "' is not valid (lower-case letters, digits, '_' and '-', at most 64)");
    }
    if (req.getName().length() > 128) {
      throw PropiusException.invalid("name is " + req.getName().length() + " characters, at most 128");
    }
    long totalRounds = Integer.toUnsignedLong(req.getTotalRounds());
    if (totalRounds < 1) {
      throw PropiusException.invalid("total_rounds must be at least 1");
    }
    if (totalRounds > admission.getMaxTotalRounds()) {
      throw new PropiusException(ErrorCode.ADMISSION_DENIED, "total_rounds " + totalRounds
          + " exceeds the limit admission.maxTotalRounds = " + admission.getMaxTotalRounds());
    }
    long estDemand = Integer.toUnsignedLong(req.getEstDemand());
    if (estDemand < 1) {
      throw PropiusException.invalid("est_demand must be at least 1 device per round");
    }
    checkDemand("est_demand", estDemand);
    if (estDemand > admission.maxDemandPerRound(tenant)) {
      throw new PropiusException(ErrorCode.ADMISSION_DENIED, "est_demand " + estDemand + " exceeds tenant '" + tenant
          + "''s limit admission.tenants." + tenant + ".maxDemandPerRound = " + admission.maxDemandPerRound(tenant));
    }
    Constraints pub = Constraints.of(req.getPublicConstraintsMap(), "public_constraints");
    Constraints priv = Constraints.of(req.getPrivateConstraintsMap(), "private_constraints");
    String reducer = req.getDataPlane().getReducer().isEmpty() ? DEFAULT_REDUCER : req.getDataPlane().getReducer();
    if (!REDUCER.matcher(reducer).matches()) {
      throw PropiusException.invalid("data_plane.reducer '" + reducer + "' is not a valid reducer name");
    }
    String address = req.getDataPlane().getAddress();
    if (!address.isEmpty()) {
      checkUrl(address);
    }
    String audience = req.getDataPlane().getAudience();
    if (!audience.isEmpty() && !SecurityOptions.validAudience(audience)) {
      throw PropiusException.invalid("data_plane.audience '" + audience + "' is not valid (lower-case letters, digits, "
          + "'_' and '-', at most 64)");
    }
    if (!audience.isEmpty() && !security.allowsAudience(audience)) {
      throw PropiusException.invalid("data_plane.audience '" + audience + "' is not one of security.audiences "
          + security.audienceList() + " nor security.taskAudience '" + security.getTaskAudience() + "'");
    }
    if (req.getJobAddress().length() > 256) {
      throw PropiusException.invalid("job_address is longer than 256 characters");
    }
    return new JobSpec(tenant, req.getName(), req.getTotalRounds(), req.getEstDemand(), pub, priv, req.getJobAddress(),
        reducer, address, audience);
  }

  /** {@code demand} is a uint32 read as unsigned. */
  private void checkDemand(String field, long demand) {
    if (demand > admission.getMaxDemandPerRound()) {
      throw new PropiusException(ErrorCode.ADMISSION_DENIED, field + " " + demand
          + " exceeds the limit admission.maxDemandPerRound = " + admission.getMaxDemandPerRound() + " devices per round");
    }
  }

  /** A round number (uint32) the store can hold, read as unsigned. */
  private static int round(int raw) {
    if (raw < 0) {
      throw PropiusException.invalid("round " + Integer.toUnsignedString(raw) + " exceeds the largest round number, "
          + Integer.MAX_VALUE);
    }
    return raw;
  }

  private static void checkUrl(String address) {
    try {
      URI uri = new URI(address);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (Exception e) {
      throw PropiusException.invalid("data_plane.address '" + address + "' is not an http(s) URL");
    }
  }

  private static long requireJobId(long jobId) {
    if (jobId == 0) {
      throw PropiusException.invalid("job_id is required");
    }
    return jobId;
  }

  /** Succeeds when the caller may touch the job; an open API skips the extra read. */
  private Future<Void> owned(JobCaller caller, long jobId) {
    return caller.tenant() == null ? Future.succeededFuture() : store.get(jobId).map(caller::requireOwner).mapEmpty();
  }

  public Future<RequestRoundResponse> requestRound(JobCaller caller, RequestRoundRequest req) {
    DataWork dataWork = null;
    try {
      requireJobId(req.getJobId());
      if (req.getDemand() == 0) {
        throw PropiusException.invalid("demand must be at least 1 device");
      }
      checkDemand("demand", Integer.toUnsignedLong(req.getDemand()));
      round(req.getRound());
      if (req.hasDataWork()) {
        var work = req.getDataWork();
        String problem = DataWork.problem(work.getTotalShards(), work.getShardBytes(), work.getModelBytes(),
            work.getDeadlineMs());
        if (problem != null) {
          throw PropiusException.invalid(problem);
        }
        dataWork = new DataWork((int) work.getTotalShards(), work.getShardBytes(), work.getModelBytes(),
            work.getDeadlineMs());
      }
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    DataWork declared = dataWork;
    return owned(caller, req.getJobId()).compose(v -> store.requestRound(req.getJobId(), req.getDemand(), declared,
        req.getRound(), clock.getAsLong(), admission::roundQuota))
        .map(change -> {
      Job job = change.after();
      if (job.round() != change.before().round()) {
        events.publish(job, JobEvent.Type.ROUND_REQUESTED);
      }
      return RequestRoundResponse.newBuilder().setJobId(job.id()).setRound(job.round()).setDemand(job.demand()).build();
    });
  }

  public Future<EndRoundResponse> endRound(JobCaller caller, EndRoundRequest req) {
    try {
      requireJobId(req.getJobId());
      round(req.getRound());
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    return owned(caller, req.getJobId()).compose(v ->
        store.endRound(req.getJobId(), req.getRound(), clock.getAsLong())).map(change -> {
      Job job = change.after();
      if (change.before().roundOpen()) {
        events.publish(job, JobEvent.Type.ROUND_CLOSED);
      }
      return EndRoundResponse.newBuilder().setRound(job.round()).setBound(job.amount()).build();
    });
  }

  public Future<FinishJobResponse> finish(JobCaller caller, FinishJobRequest req) {
    try {
      requireJobId(req.getJobId());
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    return owned(caller, req.getJobId()).compose(v -> store.finish(req.getJobId(), clock.getAsLong())).map(change -> {
      Job job = change.after();
      if (change.before().isLive()) {
        if (change.before().roundOpen()) {
          events.publish(job, JobEvent.Type.ROUND_CLOSED);
        }
        events.publish(job, JobEvent.Type.JOB_FINISHED);
      }
      return FinishJobResponse.newBuilder().setRoundsCompleted(job.roundsCompleted())
          .setAttainedService(job.attainedService()).build();
    });
  }

  public Future<HeartbeatResponse> heartbeat(JobCaller caller, HeartbeatRequest req) {
    try {
      requireJobId(req.getJobId());
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    long now = clock.getAsLong();
    return owned(caller, req.getJobId()).compose(v -> store.heartbeat(req.getJobId(), now)).map(job -> HeartbeatResponse.newBuilder().setServerTimeMs(now)
        .setExpiresAtMs(job.lastHeartbeat() + options.getHeartbeatTimeoutMs()).setState(job.state()).build());
  }

  public Future<JobStatus> get(JobCaller caller, GetJobRequest req) {
    return job(caller, req.getJobId()).map(Job::toStatus);
  }

  /** The job as it is now, if the caller may see it. */
  public Future<Job> job(JobCaller caller, long jobId) {
    try {
      requireJobId(jobId);
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    return store.get(jobId).map(caller::requireOwner);
  }
}
