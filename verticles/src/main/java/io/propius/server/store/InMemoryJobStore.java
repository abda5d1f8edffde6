package io.propius.server.store;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.grpc.JobState;
import io.propius.policy.med.plan.DataWork;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The embedded job store: state in this process's memory, shared safely by verticles on different
 * event loops. Each job is guarded by its own lock, held for a few field updates only, so calls
 * return completed futures without ever waiting on I/O.
 */
public final class InMemoryJobStore implements JobStore {
  private final AtomicLong lastId = new AtomicLong();
  private final ConcurrentHashMap<Long, Entry> jobs = new ConcurrentHashMap<>();
  /** Serialises registrations so the admission limits hold under concurrency. */
  private final Object admission = new Object();

  /** One job's mutable state; every access holds the entry's monitor. */
  private static final class Entry {
    Job job;
    /** Bindings of the current round by device: lease deadline, or 0 once confirmed. */
    final Map<String, Long> bindings = new HashMap<>();
    /** Small-batch offers of round {@link #offersRound} not yet bound, by device: when they expire. */
    final Map<String, Long> offers = new HashMap<>();
    int offersRound;
    /** The client manager instance planning the data work of round {@link #plannedRound}. */
    String planner;
    int plannedRound;

    Entry(Job job) {
      this.job = job;
    }
  }

  @Override
  public Future<Job> register(JobSpec spec, AdmissionLimits limits, long now) {
    synchronized (admission) {
      int live = 0;
      long demand = 0;
      long tenantDemand = 0;
      int tenantJobs = 0;
      for (Entry e : jobs.values()) {
        Job j = snapshot(e);
        if (j.isLive()) {
          live++;
          demand += j.estDemand();
          if (j.tenant().equals(spec.tenant())) {
            tenantDemand += j.estDemand();
            tenantJobs++;
          }
        }
      }
      String denied = Admission.check(limits, spec, live, demand, tenantDemand, tenantJobs);
      if (denied != null) {
        return Future.failedFuture(new PropiusException(ErrorCode.ADMISSION_DENIED, denied));
      }
      long id = lastId.incrementAndGet();
      Job job = JobTransitions.register(id, spec, now);
      jobs.put(id, new Entry(job));
      return Future.succeededFuture(job);
    }
  }

  private static Job snapshot(Entry e) {
    synchronized (e) {
      return e.job;
    }
  }

  @Override
  public Future<Job> get(long jobId) {
    Entry e = jobs.get(jobId);
    return e == null ? notFound(jobId) : Future.succeededFuture(snapshot(e));
  }

  @Override
  public Future<List<Job>> listLive() {
    List<Job> live = new ArrayList<>();
    for (Entry e : jobs.values()) {
      Job j = snapshot(e);
      if (j.isLive()) {
        live.add(j);
      }
    }
    live.sort(Job.BY_PRIORITY);
    return Future.succeededFuture(live);
  }

  @Override
  public Future<JobChange> requestRound(long jobId, int demand, DataWork dataWork, int expectedRound, long now,
                                        Function<String, RoundQuota> quotas) {
    // Under the admission lock: the tenant's open demand is summed over its jobs and must not
    // change between the check and the opening. Rounds only close outside it, which frees demand.
    synchronized (admission) {
      return change(jobId, e -> {
        Job next = JobTransitions.requestRound(e.job, demand, dataWork, expectedRound, now);
        quotas.apply(next.tenant()).check(e.job, next, openDemand(next.tenant(), jobId));
        if (next.round() != e.job.round()) {
          e.bindings.clear();
        }
        return next;
      });
    }
  }

  /** The tenant's open demand over its jobs other than {@code except}. */
  private long openDemand(String tenant, long except) {
    long sum = 0;
    for (Map.Entry<Long, Entry> e : jobs.entrySet()) {
      if (e.getKey() != except) {
        Job j = snapshot(e.getValue());
        if (j.tenant().equals(tenant)) {
          sum += RoundQuota.openDemand(j);
        }
      }
    }
    return sum;
  }

  @Override
  public Future<JobChange> endRound(long jobId, int expectedRound, long now) {
    return change(jobId, e -> JobTransitions.endRound(JobTransitions.requireLive(e.job), expectedRound, now));
  }

  @Override
  public Future<JobChange> finish(long jobId, long now) {
    return change(jobId, e -> {
      if (e.job.state() == JobState.FINISHED) {
        return e.job;
      }
      return JobTransitions.finish(JobTransitions.requireLive(e.job), now);
    });
  }

  @Override
  public Future<JobChange> cancel(long jobId, String reason, long now) {
    return change(jobId, e -> JobTransitions.cancel(JobTransitions.requireLive(e.job), reason, now));
  }

  @Override
  public Future<Job> heartbeat(long jobId, long now) {
    return update(jobId, e -> JobTransitions.heard(JobTransitions.requireLive(e.job), now));
  }

  @Override
  public Future<Reservation> reserve(long jobId, int round, String deviceId, long now, long leaseUntil) {
    Entry e = jobs.get(jobId);
    if (e == null) {
      return Future.succeededFuture(new Reservation(Reservation.Outcome.UNKNOWN_JOB, null, 0, false));
    }
    synchronized (e) {
      Job j = e.job;
      if (!j.roundOpen() || j.round() != round) {
        return Future.succeededFuture(new Reservation(Reservation.Outcome.CLOSED, j, 0, false));
      }
      Long held = e.bindings.get(deviceId);
      if (held != null) {
        return Future.succeededFuture(new Reservation(Reservation.Outcome.ALREADY_BOUND, j, held, false));
      }
      if (j.amount() >= j.demand()) {
        return Future.succeededFuture(new Reservation(Reservation.Outcome.FULL, j, 0, false));
      }
      e.bindings.put(deviceId, leaseUntil);
      e.job = JobTransitions.bind(j, now);
      return Future.succeededFuture(new Reservation(Reservation.Outcome.BOUND, e.job, leaseUntil,
          e.job.state() == JobState.FILLED));
    }
  }

  @Override
  public Future<Boolean> claimRoundPlan(long jobId, int round, String planner, long now) {
    Entry e = jobs.get(jobId);
    if (e == null) {
      return Future.succeededFuture(false);
    }
    synchronized (e) {
      if (e.job.state() != JobState.REQUESTING || e.job.round() != round) {
        return Future.succeededFuture(false);
      }
      if (e.plannedRound != round) {
        e.plannedRound = round;
        e.planner = planner;
      }
      return Future.succeededFuture(e.planner.equals(planner));
    }
  }

  @Override
  public Future<List<String>> claimOffers(OfferClaim claim, long now) {
    Entry e = jobs.get(claim.jobId());
    if (e == null) {
      return Future.succeededFuture(List.of());
    }
    synchronized (e) {
      Job j = e.job;
      if (j.state() != JobState.REQUESTING || j.round() != claim.round()) {
        return Future.succeededFuture(List.of());
      }
      if (e.offersRound != j.round()) {
        e.offers.clear();
        e.offersRound = j.round();
      }
      claim.released().forEach((device, expiresAt) -> e.offers.remove(device, expiresAt));
      e.offers.entrySet().removeIf(o -> o.getValue() <= now || e.bindings.containsKey(o.getKey()));
      int room = OfferClaim.budget(claim.overOffer(), j.demand() - j.amount()) - e.offers.size();
      List<String> granted = new ArrayList<>();
      for (String device : claim.devices()) {
        if (e.bindings.containsKey(device)) {
          continue;
        }
        boolean again = e.offers.containsKey(device); // offered this round before: counted once
        if (again || room > 0) {
          room -= again ? 0 : 1;
          e.offers.put(device, claim.expiresAt());
          granted.add(device);
        }
      }
      return Future.succeededFuture(granted);
    }
  }

  @Override
  public Future<Confirmation> confirm(long jobId, int round, String deviceId, long now) {
    Entry e = jobs.get(jobId);
    if (e == null) {
      return notFound(jobId);
    }
    synchronized (e) {
      Long lease = e.job.round() == round ? e.bindings.get(deviceId) : null;
      if (lease == null || (lease != 0 && lease < now)) {
        return Future.failedFuture(new PropiusException(ErrorCode.LEASE_EXPIRED, "device '" + deviceId
            + "' holds no slot in round " + round + " of job " + jobId
            + ": its lease expired or the round moved on; check in again"));
      }
      e.bindings.put(deviceId, 0L);
      return Future.succeededFuture(new Confirmation(e.job, lease != 0));
    }
  }

  @Override
  public Future<List<ExpiredLease>> expireLeases(long now) {
    List<ExpiredLease> expired = new ArrayList<>();
    for (Entry e : jobs.values()) {
      synchronized (e) {
        if (!e.job.roundOpen()) {
          continue;
        }
        for (Iterator<Map.Entry<String, Long>> it = e.bindings.entrySet().iterator(); it.hasNext(); ) {
          Map.Entry<String, Long> b = it.next();
          if (b.getValue() != 0 && b.getValue() < now) {
            it.remove();
            e.job = JobTransitions.unbind(e.job);
            expired.add(new ExpiredLease(e.job.id(), e.job.round(), b.getKey(), e.job));
          }
        }
      }
    }
    return Future.succeededFuture(expired);
  }

  @Override
  public Future<List<Job>> expireSilentJobs(long silentSince, long now) {
    List<Job> expired = new ArrayList<>();
    for (Entry e : jobs.values()) {
      synchronized (e) {
        if (e.job.isLive() && e.job.lastHeartbeat() < silentSince) {
          e.job = JobTransitions.expire(e.job, now);
          e.bindings.clear();
          expired.add(e.job);
        }
      }
    }
    return Future.succeededFuture(expired);
  }

  @Override
  public Future<Integer> purgeEnded(long endedBefore) {
    int before = jobs.size();
    jobs.values().removeIf(e -> {
      Job j = snapshot(e);
      return !j.isLive() && j.lastHeartbeat() < endedBefore;
    });
    return Future.succeededFuture(before - jobs.size());
  }

  @Override
  public Future<Void> setScores(Map<Long, Double> scores) {
    scores.forEach((id, score) -> {
      Entry e = jobs.get(id);
      if (e != null) {
        synchronized (e) {
          if (e.job.isLive()) {
            e.job = JobTransitions.score(e.job, score);
          }
        }
      }
    });
    return Future.succeededFuture();
  }

  private interface Change {
    Job apply(Entry e);
  }

  private Future<Job> update(long jobId, Change change) {
    Entry e = jobs.get(jobId);
    if (e == null) {
      return notFound(jobId);
    }
    try {
      synchronized (e) {
        e.job = change.apply(e);
        return Future.succeededFuture(e.job);
      }
    } catch (PropiusException failure) {
      return Future.failedFuture(failure);
    }
  }

  private Future<JobChange> change(long jobId, Change change) {
    Entry e = jobs.get(jobId);
    if (e == null) {
      return notFound(jobId);
    }
    try {
      synchronized (e) {
        Job before = e.job;
        e.job = change.apply(e);
        return Future.succeededFuture(new JobChange(before, e.job));
      }
    } catch (PropiusException failure) {
      return Future.failedFuture(failure);
    }
  }

  private static <T> Future<T> notFound(long jobId) {
    return Future.failedFuture(new PropiusException(ErrorCode.NOT_FOUND, "no job " + jobId));
  }
}
