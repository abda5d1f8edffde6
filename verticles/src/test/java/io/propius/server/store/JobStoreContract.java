package io.propius.server.store;

import static io.propius.testing.Futures.await;
import static io.propius.testing.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.grpc.JobState;
import io.propius.api.query.AttributeSource;
import io.propius.api.query.Constraints;
import io.propius.policy.JobFields;
import io.propius.policy.med.plan.DataWork;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobStore} must do. A store implementation's test extends this and says how to
 * make a fresh, empty store; the tests here run unchanged against each.
 */
public abstract class JobStoreContract {
  protected static final AdmissionLimits NO_LIMITS = new AdmissionLimits(1_000, 1_000_000, 1_000_000);
  protected JobStore store;

  /** A new, empty store. */
  protected abstract JobStore createStore();

  @BeforeEach
  void createIt() {
    store = createStore();
  }

  @AfterEach
  void closeIt() {
    await(store.close());
  }

  protected static JobSpec spec(String tenant, int rounds, int estDemand) {
    return new JobSpec(tenant, "job", rounds, estDemand, Constraints.of(Map.of("cpu_cores", 2.0), "public"),
        Constraints.of(Map.of("dataset_size", 100.0), "private"), "10.0.0.1:5000", "fedavg", "", "");
  }

  private static ErrorCode code(Throwable t) {
    assertThat(t).isInstanceOf(PropiusException.class);
    return ((PropiusException) t).code();
  }

  @Test
  void registerAssignsIncreasingIdsAndKeepsTheSpec() {
    Job a = await(store.register(spec("t", 3, 10), NO_LIMITS, 1_000));
    Job b = await(store.register(spec("t", 3, 10), NO_LIMITS, 2_000));
    assertThat(b.id()).isGreaterThan(a.id());
    Job read = await(store.get(a.id()));
    assertThat(read.state()).isEqualTo(JobState.IDLE);
    assertThat(read.timeStamp()).isEqualTo(1_000);
    assertThat(read.totalDemand()).isEqualTo(30);
    assertThat(read.publicConstraints().bounds()).containsEntry("cpu_cores", 2.0);
    assertThat(read.privateConstraints().bounds()).containsEntry("dataset_size", 100.0);
    assertThat(read.jobAddress()).isEqualTo("10.0.0.1:5000");
    assertThat(read.reducer()).isEqualTo("fedavg");
    assertThat(await(store.listLive())).extracting(Job::id).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(code(failure(store.get(9_999)))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void theDataPlaneAddressAndAudienceStayWithTheJobThroughItsRounds() {
    JobSpec s = spec("t", 2, 1);
    Job a = await(store.register(new JobSpec(s.tenant(), s.name(), s.totalRound(), s.estDemand(), s.publicConstraints(),
        s.privateConstraints(), s.jobAddress(), s.reducer(), "https://leaf-eu.example:8443", "leaf-eu"), NO_LIMITS, 1));
    Job plain = await(store.register(s, NO_LIMITS, 2));
    await(store.requestRound(a.id(), 1, 1, 3));
    Job read = await(store.get(a.id()));
    assertThat(read.round()).isEqualTo(1);
    assertThat(read.dataPlaneAddress()).isEqualTo("https://leaf-eu.example:8443");
    assertThat(read.dataPlaneAudience()).isEqualTo("leaf-eu");
    assertThat(read.toStatus().getDataPlane().getAudience()).isEqualTo("leaf-eu");
    assertThat(await(store.listLive())).filteredOn(j -> j.id() == a.id()).extracting(Job::dataPlaneAudience)
        .containsExactly("leaf-eu");
    assertThat(await(store.get(plain.id())).dataPlaneAudience()).isEmpty();
    // The client manager names the audience in the task token from the job the reservation returns.
    assertThat(await(store.reserve(a.id(), 1, "phone-1", 4, 1_000)).job().dataPlaneAudience()).isEqualTo("leaf-eu");
  }

  @Test
  void aTenantsLiveJobsQuotaHolds() {
    AdmissionLimits limits = new AdmissionLimits(10, 1_000, 1_000, 2);
    Job first = await(store.register(spec("q", 1, 1), limits, 1));
    await(store.register(spec("q", 1, 1), limits, 2));
    Throwable denied = failure(store.register(spec("q", 1, 1), limits, 3));
    assertThat(code(denied)).isEqualTo(ErrorCode.ADMISSION_DENIED);
    assertThat(denied.getMessage()).isEqualTo("tenant 'q' has 2 live jobs, its limit admission.tenants.q.maxLiveJobs = 2");
    await(store.register(spec("other", 1, 1), limits, 4));
    await(store.finish(first.id(), 5));
    await(store.register(spec("q", 1, 1), limits, 6)); // a finished job frees its place
  }

  /** Devices asked for at once over a tenant's open rounds, checked whenever a round opens. */
  @Test
  void aTenantsOpenDemandQuotaHoldsAcrossItsJobs() {
    Function<String, RoundQuota> quotas = t -> "q".equals(t) ? new RoundQuota(50, 60)
        : RoundQuota.NONE;
    long a = await(store.register(spec("q", 5, 1), NO_LIMITS, 0)).id();
    long b = await(store.register(spec("q", 5, 1), NO_LIMITS, 0)).id();
    long c = await(store.register(spec("q", 5, 1), NO_LIMITS, 0)).id();
    long other = await(store.register(spec("other", 5, 1), NO_LIMITS, 0)).id();

    await(store.requestRound(a, 40, 0, 1, quotas));
    Throwable tooMuch = failure(store.requestRound(b, 30, 0, 2, quotas));
    assertThat(code(tooMuch)).isEqualTo(ErrorCode.ADMISSION_DENIED);
    assertThat(tooMuch.getMessage()).isEqualTo("tenant 'q' already asks for 40 devices in its open rounds; 30 more "
        + "would exceed its limit admission.tenants.q.maxOpenDemand = 60");
    assertThat(failure(store.requestRound(b, 51, 0, 2, quotas)).getMessage())
        .contains("admission.tenants.q.maxDemandPerRound = 50");
    assertThat(await(store.get(b)).roundOpen()).as("a refused request changes nothing").isFalse();
    await(store.requestRound(b, 20, 0, 3, quotas));
    assertThat(await(store.requestRound(b, 20, 1, 4, quotas)).after().round()).as("a retry adds nothing").isEqualTo(1);
    await(store.requestRound(other, 1_000, 0, 5, quotas));
    assertThat(code(failure(store.requestRound(c, 1, 0, 6, quotas)))).isEqualTo(ErrorCode.ADMISSION_DENIED);

    await(store.endRound(a, 1, 7)); // an ended round frees its demand
    await(store.requestRound(c, 40, 0, 8, quotas));
    await(store.finish(b, 9)); // so does a finished job's open round
    await(store.endRound(c, 1, 10));
    await(store.requestRound(a, 50, 0, 11, quotas));
    assertThat(failure(store.requestRound(c, 11, 0, 12, quotas)).getMessage()).contains("already asks for 50");
  }

  @Test
  void admissionLimitsHold() {
    AdmissionLimits limits = new AdmissionLimits(3, 100, 60);
    await(store.register(spec("a", 1, 50), limits, 1));
    assertThat(code(failure(store.register(spec("a", 1, 11), limits, 2)))).isEqualTo(ErrorCode.ADMISSION_DENIED);
    Job b = await(store.register(spec("b", 1, 50), limits, 3));
    assertThat(code(failure(store.register(spec("c", 1, 1), limits, 4)))).as("global demand 101 > 100")
        .isEqualTo(ErrorCode.ADMISSION_DENIED);
    await(store.finish(b.id(), 5));
    await(store.register(spec("c", 1, 1), limits, 6)); // finished jobs stop counting
    await(store.register(spec("c", 1, 1), limits, 7));
    assertThat(code(failure(store.register(spec("d", 1, 1), limits, 8)))).as("4 live jobs > 3")
        .isEqualTo(ErrorCode.ADMISSION_DENIED);
  }

  @Test
  void roundLifecycleAndAccounting() {
    long id = await(store.register(spec("t", 2, 2), NO_LIMITS, 0)).id();
    JobChange opened = await(store.requestRound(id, 2, 0, 100));
    assertThat(opened.before().round()).isZero();
    Job j = opened.after();
    assertThat(j.state()).isEqualTo(JobState.REQUESTING);
    assertThat(j.round()).isEqualTo(1);
    assertThat(j.startSched()).isEqualTo(100);

    assertThat(await(store.reserve(id, 1, "d1", 150, 10_000)).outcome()).isEqualTo(Reservation.Outcome.BOUND);
    Reservation last = await(store.reserve(id, 1, "d2", 160, 10_000));
    assertThat(last.outcome()).isEqualTo(Reservation.Outcome.BOUND);
    assertThat(last.filledNow()).isTrue();
    assertThat(last.job().state()).isEqualTo(JobState.FILLED);
    assertThat(last.job().toStatus()).as("the reservation's job is the stored job")
        .isEqualTo(await(store.get(id)).toStatus());
    assertThat(await(store.reserve(id, 1, "d3", 170, 10_000)).outcome()).isEqualTo(Reservation.Outcome.FULL);
    assertThat(await(store.reserve(id, 1, "d1", 170, 10_000)).outcome()).isEqualTo(Reservation.Outcome.ALREADY_BOUND);
    assertThat(await(store.reserve(id, 2, "d4", 170, 10_000)).outcome()).isEqualTo(Reservation.Outcome.CLOSED);
    assertThat(await(store.reserve(9_999, 1, "d4", 170, 10_000)).outcome()).isEqualTo(Reservation.Outcome.UNKNOWN_JOB);

    Job ended = await(store.endRound(id, 1, 400)).after();
    assertThat(ended.state()).isEqualTo(JobState.IDLE);
    assertThat(ended.amount()).isEqualTo(2);
    assertThat(ended.attainedService()).isEqualTo(2);
    assertThat(ended.totalSched()).as("waited from 100 until filled at 160").isEqualTo(60);
    assertThat(ended.roundTimeTotal()).isEqualTo(300);
    assertThat(ended.roundsCompleted()).isEqualTo(1);
    JobChange again = await(store.endRound(id, 1, 500));
    assertThat(again.after().roundsCompleted()).as("a retried end counts once").isEqualTo(1);
    assertThat(await(store.reserve(id, 1, "d5", 510, 10_000)).outcome()).isEqualTo(Reservation.Outcome.CLOSED);

    Job second = await(store.requestRound(id, 1, 2, 600)).after();
    assertThat(second.round()).isEqualTo(2);
    assertThat(second.amount()).isZero();
    assertThat(await(store.requestRound(id, 1, 2, 610)).after().round()).as("retried request").isEqualTo(2);
    assertThat(code(failure(store.requestRound(id, 1, 0, 620)))).isEqualTo(ErrorCode.FAILED_PRECONDITION);
    assertThat(await(store.reserve(id, 2, "d1", 650, 10_000)).outcome()).as("same device, new round")
        .isEqualTo(Reservation.Outcome.BOUND);
    Job finished = await(store.finish(id, 700)).after();
    assertThat(finished.state()).isEqualTo(JobState.FINISHED);
    assertThat(finished.roundsCompleted()).isEqualTo(2);
    assertThat(finished.attainedService()).isEqualTo(3);
    assertThat(await(store.finish(id, 800)).after().state()).isEqualTo(JobState.FINISHED);
    assertThat(code(failure(store.requestRound(id, 1, 0, 900)))).isEqualTo(ErrorCode.FAILED_PRECONDITION);
    assertThat(await(store.listLive())).isEmpty();
    assertThat(code(failure(store.requestRound(id, 1, 0, 900)))).isEqualTo(ErrorCode.FAILED_PRECONDITION);
  }

  @Test
  void aRoundKeepsTheDataWorkItDeclaredThroughReservationsAndTheNextRoundReplacesIt() {
    long id = await(store.register(spec("t", 3, 2), NO_LIMITS, 0)).id();
    DataWork work = new DataWork(40, 1_000, 2_000_000, 60_000);
    assertThat(await(store.requestRound(id, 2, work, 0, 100, t -> RoundQuota.NONE)).after().dataWork())
        .isEqualTo(work);
    Reservation r = await(store.reserve(id, 1, "d1", 150, 10_000));
    assertThat(r.job().dataWork()).as("the reservation's job (read back field by field)").isEqualTo(work);
    assertThat(await(store.get(id)).dataWork()).isEqualTo(work);
    assertThat(await(store.listLive())).singleElement().extracting(Job::dataWork).isEqualTo(work);
    await(store.endRound(id, 1, 200));
    assertThat(await(store.requestRound(id, 2, 0, 300)).after().dataWork()).as("a round without data work")
        .isNull();
    assertThat(await(store.get(id)).dataWork()).isNull();
    assertThat(await(store.reserve(id, 2, "d1", 350, 10_000)).job().dataWork()).isNull();
  }

  @Test
  void anOperatorsCancelClosesTheOpenRoundAndTheJobIsToldWhy() {
    long id = await(store.register(spec("t", 3, 2), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 2, 0, 10));
    await(store.reserve(id, 1, "d1", 20, 10_000));
    JobChange change = await(store.cancel(id, "dataset withdrawn", 30));
    assertThat(change.before().roundOpen()).isTrue();
    assertThat(change.after().state()).isEqualTo(JobState.FINISHED);
    assertThat(change.after().reason()).isEqualTo("cancelled by an operator: dataset withdrawn");
    assertThat(await(store.reserve(id, 1, "d2", 40, 10_000)).outcome()).as("the round is closed")
        .isNotEqualTo(Reservation.Outcome.BOUND);
    Throwable next = failure(store.requestRound(id, 2, 0, 50));
    assertThat(code(next)).isEqualTo(ErrorCode.FAILED_PRECONDITION);
    assertThat(next.getMessage()).contains("is finished: cancelled by an operator: dataset withdrawn");
    assertThat(code(failure(store.cancel(id, "again", 60)))).as("finished").isEqualTo(ErrorCode.FAILED_PRECONDITION);
    assertThat(code(failure(store.cancel(987_654, "x", 70)))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(await(store.listLive())).isEmpty();
  }

  @Test
  void roundsBeyondTheRegisteredTotalAreRefused() {
    long id = await(store.register(spec("t", 1, 1), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 1, 0, 1));
    await(store.endRound(id, 0, 2));
    assertThat(code(failure(store.requestRound(id, 1, 0, 3)))).isEqualTo(ErrorCode.FAILED_PRECONDITION);
  }

  @Test
  void leasesExpireUnlessConfirmed() {
    long id = await(store.register(spec("t", 2, 2), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 2, 0, 0));
    await(store.reserve(id, 1, "slow", 10, 1_000));
    await(store.reserve(id, 1, "fast", 10, 1_000));
    Confirmation c = await(store.confirm(id, 1, "fast", 500));
    assertThat(c.newlyConfirmed()).isTrue();
    assertThat(await(store.confirm(id, 1, "fast", 600)).newlyConfirmed()).as("idempotent").isFalse();
    assertThat(await(store.expireLeases(999))).isEmpty();
    List<ExpiredLease> expired = await(store.expireLeases(1_001));
    assertThat(expired).extracting(ExpiredLease::deviceId).containsExactly("slow");
    assertThat(expired.get(0).job().amount()).isEqualTo(1);
    assertThat(expired.get(0).job().state()).as("the filled round reopened").isEqualTo(JobState.REQUESTING);
    assertThat(expired.get(0).job().attainedService()).isEqualTo(1);
    assertThat(await(store.expireLeases(5_000))).isEmpty();
    assertThat(code(failure(store.confirm(id, 1, "slow", 1_100)))).isEqualTo(ErrorCode.LEASE_EXPIRED);
    assertThat(code(failure(store.confirm(id, 1, "never", 1_100)))).isEqualTo(ErrorCode.LEASE_EXPIRED);
    assertThat(await(store.reserve(id, 1, "other", 1_200, 2_000)).outcome()).isEqualTo(Reservation.Outcome.BOUND);
  }

  @Test
  void aConfirmAfterTheDeadlineButBeforeTheSweepIsRefused() {
    long id = await(store.register(spec("t", 1, 1), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 1, 0, 0));
    await(store.reserve(id, 1, "d", 10, 100));
    assertThat(code(failure(store.confirm(id, 1, "d", 101)))).isEqualTo(ErrorCode.LEASE_EXPIRED);
  }

  @Test
  void silentJobsExpireWithAReasonAndEndedJobsArePurgedLater() {
    long quiet = await(store.register(spec("t", 2, 1), NO_LIMITS, 0)).id();
    long chatty = await(store.register(spec("t", 2, 1), NO_LIMITS, 0)).id();
    await(store.requestRound(quiet, 1, 0, 100));
    await(store.heartbeat(chatty, 5_000));
    List<Job> expired = await(store.expireSilentJobs(4_000, 10_000));
    assertThat(expired).extracting(Job::id).containsExactly(quiet);
    Job q = await(store.get(quiet));
    assertThat(q.state()).isEqualTo(JobState.EXPIRED);
    assertThat(q.reason()).contains("no heartbeat for 9 s");
    assertThat(q.roundsCompleted()).as("its open round was closed").isEqualTo(1);
    assertThat(code(failure(store.heartbeat(quiet, 11_000)))).isEqualTo(ErrorCode.JOB_EXPIRED);
    assertThat(code(failure(store.requestRound(quiet, 1, 0, 11_000)))).isEqualTo(ErrorCode.JOB_EXPIRED);
    assertThat(await(store.reserve(quiet, 1, "d", 11_000, 20_000)).outcome()).isEqualTo(Reservation.Outcome.CLOSED);

    assertThat(await(store.purgeEnded(50))).isZero();
    assertThat(await(store.purgeEnded(200))).isEqualTo(1);
    assertThat(code(failure(store.get(quiet)))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(await(store.get(chatty)).state()).isEqualTo(JobState.IDLE);
  }

  @Test
  void scoresAreStoredForLiveJobs() {
    long a = await(store.register(spec("t", 1, 1), NO_LIMITS, 0)).id();
    long b = await(store.register(spec("t", 1, 1), NO_LIMITS, 0)).id();
    await(store.setScores(Map.of(a, 2.5, b, -1.0, 9_999L, 3.0)));
    assertThat(await(store.get(a)).score()).isEqualTo(2.5);
    assertThat(await(store.get(b)).score()).isEqualTo(-1.0);
  }

  @Test
  void concurrentAcceptsNeverOverfillARound() throws Exception {
    long id = await(store.register(spec("t", 1, 100), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 100, 0, 0));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Set<String> bound = ConcurrentHashMap.newKeySet();
    List<Future<?>> submitted = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      String device = "d" + i;
      submitted.add(pool.submit(() -> {
        Reservation r = await(store.reserve(id, 1, device, 1, 1_000_000));
        if (r.outcome() == Reservation.Outcome.BOUND) {
          bound.add(device);
        } else {
          assertThat(r.outcome()).isEqualTo(Reservation.Outcome.FULL);
        }
      }));
    }
    for (Future<?> f : submitted) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(bound).hasSize(100);
    Job job = await(store.get(id));
    assertThat(job.amount()).isEqualTo(100);
    assertThat(job.attainedService()).isEqualTo(100);
    assertThat(job.state()).isEqualTo(JobState.FILLED);
  }

  @Test
  void liveJobsComeHighestScoreFirstWithTheFieldsPoliciesRead() {
    long a = await(store.register(spec("t", 4, 3), NO_LIMITS, 10)).id();
    long b = await(store.register(spec("u", 2, 7), NO_LIMITS, 20)).id();
    long c = await(store.register(spec("t", 1, 1), NO_LIMITS, 30)).id();
    long ended = await(store.register(spec("t", 1, 1), NO_LIMITS, 40)).id();
    await(store.finish(ended, 50));
    await(store.setScores(Map.of(a, 1.5, b, 9.25, ended, 100.0)));
    assertThat(await(store.listLive())).as("by score, then registration time").extracting(Job::id)
        .containsExactly(b, a, c);

    await(store.requestRound(b, 5, 0, 60));
    await(store.reserve(b, 1, "d1", 70, 10_000));
    Job read = await(store.listLive()).get(0);
    AttributeSource fields = read.fields();
    assertThat(fields.valueOf(JobFields.SCORE)).isEqualTo(9.25);
    assertThat(fields.valueOf(JobFields.TOTAL_DEMAND)).isEqualTo(14);
    assertThat(fields.valueOf(JobFields.DEMAND)).isEqualTo(5);
    assertThat(fields.valueOf(JobFields.AMOUNT)).isEqualTo(1);
    assertThat(fields.valueOf(JobFields.ATTAINED_SERVICE)).isEqualTo(1);
    assertThat(fields.valueOf(JobFields.START_SCHED)).isEqualTo(60);
    assertThat(fields.valueOf(JobFields.STATE)).isEqualTo(JobState.REQUESTING.getNumber());
    assertThat(fields.valueOf(JobFields.PUBLIC_CONSTRAINT + "cpu_cores")).isEqualTo(2.0);
    assertThat(fields.valueOf(JobFields.PRIVATE_CONSTRAINT + "dataset_size")).isEqualTo(100.0);
    assertThat(await(store.get(ended)).score()).as("ended jobs keep their last score").isZero();
  }

  @Test
  void jobCallsInterleavedWithReservationsLoseNothing() throws Exception {
    long id = await(store.register(spec("t", 1, 100), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 100, 0, 0));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> submitted = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String device = "d" + i;
      long at = 1_000 + i;
      submitted.add(pool.submit(() -> await(store.reserve(id, 1, device, 1, 1_000_000))));
      submitted.add(pool.submit(() -> await(store.heartbeat(id, at))));
      if (i % 10 == 0) {
        double score = i;
        submitted.add(pool.submit(() -> await(store.setScores(Map.of(id, score)))));
      }
    }
    for (Future<?> f : submitted) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    Job job = await(store.get(id));
    assertThat(job.amount()).isEqualTo(100);
    assertThat(job.attainedService()).isEqualTo(100);
    assertThat(job.state()).isEqualTo(JobState.FILLED);
    assertThat(job.lastHeartbeat()).isEqualTo(1_099);
  }

  @Test
  void endedJobsGiveBackTheirAdmissionShare() {
    AdmissionLimits limits = new AdmissionLimits(1, 10, 10);
    long quiet = await(store.register(spec("t", 1, 10), limits, 0)).id();
    assertThat(code(failure(store.register(spec("t", 1, 1), limits, 1)))).isEqualTo(ErrorCode.ADMISSION_DENIED);
    await(store.expireSilentJobs(100, 200));
    assertThat(await(store.get(quiet)).state()).isEqualTo(JobState.EXPIRED);
    assertThat(await(store.expireSilentJobs(100, 300))).as("expired once").isEmpty();
    long next = await(store.register(spec("t", 1, 10), limits, 300)).id();
    await(store.finish(next, 400));
    await(store.finish(next, 500));
    await(store.register(spec("t", 1, 10), limits, 600));
    assertThat(code(failure(store.register(spec("u", 1, 1), limits, 700)))).as("finishing twice frees once")
        .isEqualTo(ErrorCode.ADMISSION_DENIED);
  }

  @Test
  void leasesOfAnEndedRoundDoNotTouchItsCounters() {
    long id = await(store.register(spec("t", 2, 2), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 2, 0, 0));
    await(store.reserve(id, 1, "late", 10, 100));
    await(store.endRound(id, 1, 50));
    assertThat(await(store.expireLeases(200))).isEmpty();
    Job j = await(store.get(id));
    assertThat(j.amount()).isEqualTo(1);
    assertThat(j.attainedService()).isEqualTo(1);
    assertThat(code(failure(store.confirm(9_999, 1, "late", 60)))).isEqualTo(ErrorCode.NOT_FOUND);
    await(store.requestRound(id, 2, 0, 300));
    assertThat(await(store.reserve(id, 2, "late", 310, 1_000)).outcome()).isEqualTo(Reservation.Outcome.BOUND);
    assertThat(code(failure(store.confirm(id, 1, "late", 320)))).as("the old round's binding is gone")
        .isEqualTo(ErrorCode.LEASE_EXPIRED);
    assertThat(await(store.confirm(id, 2, "late", 320)).newlyConfirmed()).isTrue();
    assertThat(await(store.expireLeases(5_000))).as("confirmed bindings never expire").isEmpty();
  }

  private List<String> claim(long jobId, int round, List<String> devices, Map<String, Long> released, double overOffer,
                             long now, long expiresAt) {
    return await(store.claimOffers(new OfferClaim(jobId, round, devices, released, overOffer, expiresAt), now));
  }

  @Test
  void offersOfARoundStayWithinTheOverOfferBudgetUntilBoundReleasedOrExpired() {
    long id = await(store.register(spec("t", 2, 4), NO_LIMITS, 0)).id();
    assertThat(claim(id, 1, List.of("d1"), Map.of(), 1.0, 10, 1_000)).as("no round open").isEmpty();
    await(store.requestRound(id, 4, 0, 0));
    assertThat(claim(id, 1, List.of("d1", "d2", "d3", "d4", "d5", "d6"), Map.of(), 1.0, 10, 1_000))
        .containsExactly("d1", "d2", "d3", "d4");
    assertThat(claim(id, 1, List.of("d5", "d1"), Map.of(), 1.0, 20, 1_000)).as("offered again, counted once")
        .containsExactly("d1");
    assertThat(claim(id, 2, List.of("d5"), Map.of(), 1.0, 20, 1_000)).as("not the open round").isEmpty();

    assertThat(await(store.reserve(id, 1, "d1", 30, 10_000)).outcome()).isEqualTo(Reservation.Outcome.BOUND);
    assertThat(claim(id, 1, List.of("d5", "d1"), Map.of(), 1.0, 40, 1_000))
        .as("the bound device's offer became its slot; a bound device gets none").isEmpty();
    assertThat(claim(id, 1, List.of(), Map.of("d2", 999L), 1.0, 45, 1_000)).as("not the offer d2 holds").isEmpty();
    assertThat(claim(id, 1, List.of("d5", "d6"), Map.of("d2", 1_000L), 1.0, 50, 1_000)).as("d2 checked in again")
        .containsExactly("d5");
    assertThat(claim(id, 1, List.of("d6", "d7", "d8", "d9"), Map.of(), 1.5, 60, 2_000)).as("1.5 x 3 open slots")
        .containsExactly("d6");
    assertThat(claim(id, 1, List.of("d7", "d8", "d9", "d10"), Map.of(), 1.0, 1_000, 3_000))
        .as("the first offers expired at 1000, d6's is still out").containsExactly("d7", "d8");

    await(store.endRound(id, 1, 1_100));
    assertThat(claim(id, 1, List.of("d10"), Map.of(), 1.0, 1_200, 3_000)).as("round ended").isEmpty();
    await(store.requestRound(id, 2, 0, 1_300));
    assertThat(claim(id, 2, List.of("d7", "d8", "d9"), Map.of(), 1.0, 1_400, 3_000))
        .as("a new round starts without offers").containsExactly("d7", "d8");
    assertThat(claim(9_999, 1, List.of("d1"), Map.of(), 1.0, 10, 1_000)).as("unknown job").isEmpty();
  }

  @Test
  void oneInstancePlansARoundsDataWorkAndItsRetryIsIdempotent() throws Exception {
    long id = await(store.register(spec("t", 2, 4), NO_LIMITS, 0)).id();
    assertThat(await(store.claimRoundPlan(id, 1, "cm-a", 10))).as("no round open").isFalse();
    await(store.requestRound(id, 4, 0, 0));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Boolean>> claims = List.of(
          pool.submit(() -> await(store.claimRoundPlan(id, 1, "cm-a", 20))),
          pool.submit(() -> await(store.claimRoundPlan(id, 1, "cm-b", 20))));
      assertThat(List.of(claims.get(0).get(), claims.get(1).get())).as("one of two claimants wins")
          .containsExactlyInAnyOrder(true, false);
      String winner = claims.get(0).get() ? "cm-a" : "cm-b";
      String loser = winner.equals("cm-a") ? "cm-b" : "cm-a";
      assertThat(await(store.claimRoundPlan(id, 1, winner, 30))).as("the winner asking again").isTrue();
      assertThat(await(store.claimRoundPlan(id, 1, loser, 30))).as("the loser asking again").isFalse();
    } finally {
      pool.shutdown();
    }
    assertThat(await(store.claimRoundPlan(id, 2, "cm-a", 30))).as("not the open round").isFalse();
    await(store.endRound(id, 1, 40));
    await(store.requestRound(id, 4, 0, 50));
    assertThat(await(store.claimRoundPlan(id, 2, "cm-b", 60))).as("a new round, a new planner").isTrue();
    assertThat(await(store.claimRoundPlan(9_999, 1, "cm-a", 60))).as("unknown job").isFalse();
  }

  @Test
  void concurrentClaimsNeverExceedTheBudget() throws Exception {
    long id = await(store.register(spec("t", 1, 50), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 50, 0, 0));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Set<String> granted = ConcurrentHashMap.newKeySet();
    List<Future<?>> submitted = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      List<String> devices = new ArrayList<>();
      for (int d = 0; d < 10; d++) {
        devices.add("i" + i + "-d" + d);
      }
      submitted.add(pool.submit(() -> granted.addAll(claim(id, 1, devices, Map.of(), 1.3, 1, 1_000_000))));
    }
    for (Future<?> f : submitted) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(granted).hasSize(65);
  }

  /**
   * Accepts fired all at once (so a batching store sends them in shared batches), every device
   * twice as a retry would, into a round of demand 100: exactly 100 devices bound, each once; its
   * second call finds it ALREADY_BOUND (or the round FULL), and nothing is counted twice.
   */
  @Test
  void concurrentBatchedAcceptsWithRetriesBindEachDeviceOnce() {
    long id = await(store.register(spec("t", 1, 100), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 100, 0, 0));
    List<io.vertx.core.Future<Reservation>> calls = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      calls.add(store.reserve(id, 1, "d" + i, 1, 1_000_000));
      calls.add(store.reserve(id, 1, "d" + i, 2, 2_000_000));
    }
    await(io.vertx.core.Future.all(calls));
    Map<String, List<Reservation.Outcome>> byDevice = new TreeMap<>();
    for (int i = 0; i < calls.size(); i++) {
      byDevice.computeIfAbsent("d" + i / 2, k -> new ArrayList<>()).add(calls.get(i).result().outcome());
    }
    long bound = byDevice.values().stream().filter(o -> o.contains(Reservation.Outcome.BOUND)).count();
    assertThat(bound).isEqualTo(100);
    // Batches on different connections may run in either order: which call of a device came first varies.
    assertThat(byDevice.values()).allSatisfy(o -> assertThat(o.stream().sorted().toList()).isIn(
        List.of(Reservation.Outcome.BOUND, Reservation.Outcome.ALREADY_BOUND),
        List.of(Reservation.Outcome.FULL, Reservation.Outcome.FULL)));
    Job job = await(store.get(id));
    assertThat(job.amount()).isEqualTo(100);
    assertThat(job.attainedService()).isEqualTo(100);
    assertThat(job.state()).isEqualTo(JobState.FILLED);
  }

  /**
   * Accepts fired at once into one round: each answer carries the job as its own call left it,
   * whichever batch it shared (a batching store may send a job once per batch and derive the rest):
   * the bound calls see every amount from 1 to the demand once, only the one that filled the round
   * says so (with its own time as the fill time), and the calls too late see the round full.
   */
  @Test
  void batchedAcceptsEachSeeTheJobAsTheirCallLeftIt() {
    long id = await(store.register(spec("t", 1, 50), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 50, 0, 0));
    List<io.vertx.core.Future<Reservation>> calls = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      calls.add(store.reserve(id, 1, "d" + i, 100 + i, 1_000_000));
    }
    await(io.vertx.core.Future.all(calls));
    List<Integer> amounts = new ArrayList<>();
    List<Integer> filledBy = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      Reservation r = calls.get(i).result();
      if (r.outcome() == Reservation.Outcome.BOUND) {
        amounts.add(r.job().amount());
        assertThat(r.job().attainedService()).isEqualTo(r.job().amount());
        if (r.filledNow()) {
          filledBy.add(i);
          assertThat(r.job().state()).isEqualTo(JobState.FILLED);
          assertThat(r.job().filledAt()).isEqualTo(100 + i);
        } else {
          assertThat(r.job().state()).isEqualTo(JobState.REQUESTING);
        }
      } else {
        assertThat(r.outcome()).isEqualTo(Reservation.Outcome.FULL);
        assertThat(r.job().amount()).isEqualTo(50);
        assertThat(r.job().state()).isEqualTo(JobState.FILLED);
      }
    }
    assertThat(amounts).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 50).boxed()
        .toList());
    assertThat(filledBy).hasSize(1);
    assertThat(await(store.get(id)).filledAt()).isEqualTo(100 + filledBy.get(0));
  }

  /**
   * Reservations and confirmations of one round fired at once, interleaved (a batching store has
   * batches of both kinds on their way together), the round filling in the middle: exactly the demand binds,
   * each earlier binding is confirmed once (its retry finds it confirmed), and every answer carries
   * a job whose counters agree with each other.
   */
  @Test
  void reservationsAndConfirmationsFiredTogetherKeepEveryCount() {
    long id = await(store.register(spec("t", 1, 50), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 50, 0, 0));
    for (int i = 0; i < 20; i++) {
      assertThat(await(store.reserve(id, 1, "early" + i, 1, 1_000_000)).outcome()).isEqualTo(Reservation.Outcome.BOUND);
    }
    List<io.vertx.core.Future<Reservation>> reservations = new ArrayList<>();
    List<io.vertx.core.Future<Confirmation>> confirmations = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      reservations.add(store.reserve(id, 1, "late" + i, 10 + i, 1_000_000));
      if (i < 20) {
        confirmations.add(store.confirm(id, 1, "early" + i, 10 + i));
        confirmations.add(store.confirm(id, 1, "early" + i, 10 + i));
      }
    }
    await(io.vertx.core.Future.all(reservations));
    await(io.vertx.core.Future.all(confirmations));
    Map<Reservation.Outcome, Integer> outcomes = new EnumMap<>(Reservation.Outcome.class);
    List<Job> seen = new ArrayList<>();
    for (io.vertx.core.Future<Reservation> r : reservations) {
      outcomes.merge(r.result().outcome(), 1, Integer::sum);
      seen.add(r.result().job());
    }
    assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of(Reservation.Outcome.BOUND, 30,
        Reservation.Outcome.FULL, 30));
    for (int i = 0; i < 20; i++) {
      assertThat(confirmations.subList(2 * i, 2 * i + 2)).as("one confirms, the other is a retry")
          .filteredOn(c -> c.result().newlyConfirmed()).hasSize(1);
    }
    confirmations.forEach(c -> seen.add(c.result().job()));
    assertThat(seen).allSatisfy(job -> {
      assertThat(job.id()).isEqualTo(id);
      assertThat(job.amount()).isBetween(20, 50);
      assertThat(job.attainedService()).isEqualTo(job.amount());
      assertThat(job.state()).isEqualTo(job.amount() == 50 ? JobState.FILLED : JobState.REQUESTING);
    });
    Job job = await(store.get(id));
    assertThat(job.amount()).isEqualTo(50);
    assertThat(job.attainedService()).isEqualTo(50);
    assertThat(await(store.expireLeases(2_000_000))).extracting(ExpiredLease::deviceId)
        .as("the unconfirmed bindings, and only they").hasSize(30).allMatch(d -> d.startsWith("late"));
  }

  /**
   * Accepts for an open round, a closed round and an unknown job, interleaved and fired at once:
   * each gets its own answer, whichever batch it shares; the open round binds exactly its demand.
   */
  @Test
  void batchedAcceptsAnswerEachItemOnItsOwn() {
    long open = await(store.register(spec("t", 1, 30), NO_LIMITS, 0)).id();
    long closed = await(store.register(spec("t", 2, 30), NO_LIMITS, 0)).id();
    await(store.requestRound(open, 30, 0, 0));
    await(store.requestRound(closed, 30, 0, 0));
    await(store.reserve(closed, 1, "early", 1, 1_000_000));
    await(store.endRound(closed, 1, 2));
    List<io.vertx.core.Future<Reservation>> calls = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      long job = i % 3 == 0 ? open : i % 3 == 1 ? closed : 9_999;
      calls.add(store.reserve(job, 1, "d" + i, 3, 1_000_000));
    }
    await(io.vertx.core.Future.all(calls));
    Map<Reservation.Outcome, Integer> toOpen = new EnumMap<>(Reservation.Outcome.class);
    for (int i = 0; i < calls.size(); i++) {
      Reservation.Outcome outcome = calls.get(i).result().outcome();
      switch (i % 3) {
        case 0 -> toOpen.merge(outcome, 1, Integer::sum);
        case 1 -> assertThat(outcome).isEqualTo(Reservation.Outcome.CLOSED);
        default -> assertThat(outcome).isEqualTo(Reservation.Outcome.UNKNOWN_JOB);
      }
    }
    assertThat(toOpen).containsExactlyInAnyOrderEntriesOf(Map.of(Reservation.Outcome.BOUND, 30,
        Reservation.Outcome.FULL, 20));
    assertThat(await(store.get(open)).amount()).isEqualTo(30);
    assertThat(await(store.get(closed)).amount()).as("the closed round kept its one binding").isEqualTo(1);
  }

  /**
   * Confirmations fired at once, each twice, next to ones whose lease expired, that hold no slot
   * and of an unknown job: each is answered on its own, and each binding is confirmed exactly once.
   */
  @Test
  void batchedConfirmationsAnswerEachItemOnItsOwn() {
    long id = await(store.register(spec("t", 1, 60), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 60, 0, 0));
    for (int i = 0; i < 60; i++) {
      await(store.reserve(id, 1, "d" + i, 1, i < 40 ? 1_000 : 10));
    }
    List<io.vertx.core.Future<Confirmation>> calls = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      calls.add(store.confirm(id, 1, "d" + i, 100));
      calls.add(store.confirm(id, 1, "d" + i, 100));
      calls.add(store.confirm(id, 1, "none" + i, 100));
      calls.add(store.confirm(9_999, 1, "d" + i, 100));
    }
    await(io.vertx.core.Future.join(calls).otherwise(f -> null));
    for (int i = 0; i < 60; i++) {
      List<io.vertx.core.Future<Confirmation>> device = calls.subList(4 * i, 4 * i + 4);
      if (i < 40) {
        assertThat(device.subList(0, 2)).allMatch(io.vertx.core.Future::succeeded);
        assertThat(device.subList(0, 2)).as("one confirms, the other is a retry")
            .filteredOn(c -> c.result().newlyConfirmed()).hasSize(1);
        assertThat(device.subList(0, 2)).as("each answer carries the job").allSatisfy(c -> {
          assertThat(c.result().job().id()).isEqualTo(id);
          assertThat(c.result().job().amount()).isEqualTo(60);
        });
      } else {
        assertThat(code(device.get(0).cause())).isEqualTo(ErrorCode.LEASE_EXPIRED);
        assertThat(code(device.get(1).cause())).isEqualTo(ErrorCode.LEASE_EXPIRED);
      }
      assertThat(code(device.get(2).cause())).isEqualTo(ErrorCode.LEASE_EXPIRED);
      assertThat(code(device.get(3).cause())).isEqualTo(ErrorCode.NOT_FOUND);
    }
    List<ExpiredLease> expired = await(store.expireLeases(200));
    assertThat(expired).extracting(ExpiredLease::deviceId).as("only the unconfirmed").hasSize(20)
        .allMatch(d -> Integer.parseInt(d.substring(1)) >= 40);
    Job job = await(store.get(id));
    assertThat(job.amount()).isEqualTo(40);
    assertThat(job.attainedService()).isEqualTo(40);
  }
}
