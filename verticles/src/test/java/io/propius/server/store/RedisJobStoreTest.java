package io.propius.server.store;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.grpc.JobState;
import io.propius.server.PropiusServer;
import io.propius.server.config.StoreOptions;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.scheduler.SchedulerLease;
import io.propius.server.store.redis.RedisJobStore;
import io.propius.testing.Futures;
import io.propius.testing.RedisProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract, against a real redis-server; each test gets its own key prefix, i.e. an empty store. */
class RedisJobStoreTest extends JobStoreContract {
  private static final AtomicInteger STORES = new AtomicInteger();
  private static RedisProcess redis;
  private static Vertx vertx;
  /** The meters of the store under test. */
  private PrometheusMeterRegistry registry;
  private String prefix;

  @BeforeAll
  static void startRedis() {
    redis = RedisProcess.ephemeral();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopRedis() {
    await(vertx.close());
    redis.close();
  }

  @Override
  protected JobStore createStore() {
    registry = PropiusServer.newRegistry();
    prefix = "contract" + STORES.incrementAndGet() + ":";
    return open(prefix, registry);
  }

  private static JobStore open(String prefix) {
    return open(prefix, PropiusServer.newRegistry());
  }

  private static JobStore open(String prefix, PrometheusMeterRegistry registry) {
    RedisJobStore store = new RedisJobStore(vertx, new StoreOptions().setType("redis").setRedisUri(redis.uri())
        .setKeyPrefix(prefix), new PropiusMetrics(registry));
    await(store.open());
    return store;
  }

  @Test
  void deploymentsWithDifferentPrefixesDoNotSeeEachOther() {
    JobStore other = open("other" + STORES.incrementAndGet() + ":");
    try {
      Job mine = await(store.register(spec("t", 1, 5), new AdmissionLimits(1, 5, 5), 0));
      Job theirs = await(other.register(spec("t", 1, 5), new AdmissionLimits(1, 5, 5), 0));
      assertThat(theirs.id()).as("ids are counted per deployment").isEqualTo(mine.id());
      await(other.requestRound(theirs.id(), 5, 0, 1));
      assertThat(await(store.get(mine.id())).state()).isEqualTo(JobState.IDLE);
      assertThat(await(store.listLive())).hasSize(1);
      await(other.finish(theirs.id(), 2));
      assertThat(await(store.listLive())).hasSize(1);
      assertThat(await(other.listLive())).isEmpty();
      Redis raw = Redis.createClient(vertx, redis.uri());
      try {
        List<String> keys = await(raw.send(Request.cmd(Command.KEYS).arg("*"))).stream().map(Response::toString).toList();
        assertThat(keys).isNotEmpty().allMatch(k -> k.startsWith("contract") || k.startsWith("other"));
      } finally {
        await(raw.close());
      }
    } finally {
      await(other.close());
    }
  }

  /**
   * The scheduler lease: one holder at a time, a larger fencing token for every new holder, and a
   * score write fenced with a token that is no longer the lease's writes nothing.
   */
  @Test
  void theSchedulerLeaseFencesScoreWrites() throws Exception {
    RedisJobStore redisStore = (RedisJobStore) store;
    SchedulerLease lease = redisStore.schedulerLease();
    Job job = await(store.register(spec("t", 1, 5), new AdmissionLimits(1, 5, 5), 0));
    SchedulerLease.Holder first = await(lease.acquire("node-a", 0, 300));
    assertThat(first.token()).isPositive();
    assertThat(await(lease.acquire("node-b", 0, 300))).as("held by A").isEqualTo(new SchedulerLease.Holder(0, "node-a"));
    assertThat(await(lease.acquire("node-a", first.token(), 300))).as("A renews").isEqualTo(first);
    await(store.setScores(Map.of(job.id(), 1.5), first.token()));
    assertThat(await(store.get(job.id())).score()).isEqualTo(1.5);

    Thread.sleep(400); // A's node stops renewing: the lease runs out
    assertThat(await(lease.holder())).isNull();
    SchedulerLease.Holder second = await(lease.acquire("node-b", 0, 10_000));
    assertThat(second.token()).isGreaterThan(first.token());
    assertThat(await(lease.holder())).isEqualTo(second);
    Throwable stale = Futures.failure(store.setScores(Map.of(job.id(), 9.0), first.token()));
    assertThat(stale).isInstanceOf(PropiusException.class).hasMessageContaining("lease with fencing token "
        + first.token() + " is lost");
    assertThat(((PropiusException) stale).code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
    assertThat(await(lease.acquire("node-a", first.token(), 300)).token()).as("A cannot renew what it lost").isZero();
    assertThat(await(store.get(job.id())).score()).as("the stale write changed nothing").isEqualTo(1.5);
    await(store.setScores(Map.of(job.id(), 2.5), second.token()));
    assertThat(await(store.get(job.id())).score()).isEqualTo(2.5);

    await(lease.release("node-a", first.token()));
    assertThat(await(lease.holder())).as("only the holder releases").isEqualTo(second);
    await(lease.release("node-b", second.token()));
    assertThat(await(lease.holder())).isNull();
  }

  /**
   * Accepts fired at once share script calls (the batch-size meter shows it), and an item Redis
   * cannot run (its job's bindings key holds a string) fails on its own while the items around it,
   * in the same batches, bind.
   */
  @Test
  void acceptsFiredAtOnceShareScriptCallsAndABrokenItemFailsAlone() {
    long healthy = await(store.register(spec("t", 1, 300), NO_LIMITS, 0)).id();
    long broken = await(store.register(spec("t", 1, 200), NO_LIMITS, 0)).id();
    await(store.requestRound(healthy, 300, 0, 0));
    await(store.requestRound(broken, 200, 0, 0));
    Redis raw = Redis.createClient(vertx, redis.uri());
    try {
      await(raw.send(Request.cmd(Command.SET).arg(prefix + "job:" + broken + ":bound").arg("not a hash")));
    } finally {
      await(raw.close());
    }
    List<Future<Reservation>> calls = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      calls.add(store.reserve(i % 4 == 0 ? broken : healthy, 1, "d" + i, 1, 1_000_000));
    }
    await(Future.join(calls).otherwise(f -> null));
    for (int i = 0; i < calls.size(); i++) {
      if (i % 4 == 0) {
        assertThat(calls.get(i).cause()).isInstanceOf(PropiusException.class).hasMessageContaining("WRONGTYPE");
        assertThat(((PropiusException) calls.get(i).cause()).code()).isEqualTo(ErrorCode.INTERNAL);
      } else {
        assertThat(calls.get(i).result().outcome()).isEqualTo(Reservation.Outcome.BOUND);
      }
    }
    assertThat(await(store.get(healthy)).amount()).isEqualTo(300);
    assertThat(await(store.get(broken)).amount()).isZero();
    DistributionSummary sizes = registry.get("propius.store.batch.size").tag("call", "reserve").summary();
    assertThat(sizes.totalAmount()).as("every reservation went in a batch").isEqualTo(400);
    assertThat(sizes.count()).as("script calls: fewer than reservations").isLessThan(400);
    assertThat(sizes.max()).isGreaterThan(1);
  }

  /**
   * Confirmations fired at once share script calls as reservations do, and one Redis cannot run
   * (its job's bindings key replaced by a string after the accept) fails on its own while the items
   * around it, in the same batches, confirm, each exactly once.
   */
  @Test
  void confirmationsFiredAtOnceAndABrokenItemFailsAlone() {
    long healthy = await(store.register(spec("t", 1, 40), NO_LIMITS, 0)).id();
    long broken = await(store.register(spec("t", 1, 20), NO_LIMITS, 0)).id();
    await(store.requestRound(healthy, 40, 0, 0));
    await(store.requestRound(broken, 20, 0, 0));
    for (int i = 0; i < 60; i++) {
      assertThat(await(store.reserve(i % 3 == 0 ? broken : healthy, 1, "d" + i, 1, 1_000_000)).outcome())
          .isEqualTo(Reservation.Outcome.BOUND);
    }
    Redis raw = Redis.createClient(vertx, redis.uri());
    try {
      await(raw.send(Request.cmd(Command.SET).arg(prefix + "job:" + broken + ":bound").arg("not a hash")));
    } finally {
      await(raw.close());
    }
    List<Future<Confirmation>> calls = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      calls.add(store.confirm(i % 3 == 0 ? broken : healthy, 1, "d" + i, 2));
      calls.add(store.confirm(i % 3 == 0 ? broken : healthy, 1, "d" + i, 2));
    }
    await(Future.join(calls).otherwise(f -> null));
    for (int i = 0; i < 60; i++) {
      List<Future<Confirmation>> twice = calls.subList(2 * i, 2 * i + 2);
      if (i % 3 == 0) {
        assertThat(twice).allSatisfy(c -> {
          assertThat(c.cause()).isInstanceOf(PropiusException.class).hasMessageContaining("WRONGTYPE");
          assertThat(((PropiusException) c.cause()).code()).isEqualTo(ErrorCode.INTERNAL);
        });
      } else {
        assertThat(twice).allSatisfy(c -> assertThat(c.result().job().id()).isEqualTo(healthy));
        assertThat(twice).as("one confirms, the other is a retry").filteredOn(c -> c.result().newlyConfirmed())
            .hasSize(1);
      }
    }
    DistributionSummary sizes = registry.get("propius.store.batch.size").tag("call", "confirm").summary();
    assertThat(sizes.totalAmount()).isEqualTo(120);
    assertThat(sizes.max()).as("confirmations shared script calls").isGreaterThan(1);
  }

  /**
   * A job another process registered reaches this store whole in a batch's answer: text with
   * separators (':', '-', digits) and multi-byte characters comes back as written, for a
   * reservation and for a confirmation.
   */
  @Test
  void aJobFirstSeenInABatchAnswerKeepsItsTextExactly() {
    String tenant = "12:t-4:-";
    String name = "-3:ab:-€ü 名前";
    JobStore other = open(prefix);
    long id;
    try {
      JobSpec base = spec(tenant, 1, 10);
      id = await(other.register(new JobSpec(tenant, name, base.totalRound(), base.estDemand(),
          base.publicConstraints(), base.privateConstraints(), base.jobAddress(), base.reducer(),
          base.dataPlaneAddress(), base.dataPlaneAudience()), NO_LIMITS, 0)).id();
      await(other.requestRound(id, 10, 0, 1));
    } finally {
      await(other.close());
    }
    JobStore fresh = open(prefix);
    try {
      Reservation bound = await(fresh.reserve(id, 1, "d:1-", 2, 1_000_000));
      assertThat(bound.outcome()).isEqualTo(Reservation.Outcome.BOUND);
      assertThat(bound.job().tenant()).isEqualTo(tenant);
      assertThat(bound.job().name()).isEqualTo(name);
      assertThat(bound.job().amount()).isEqualTo(1);
      Reservation again = await(fresh.reserve(id, 1, "d:1-", 3, 2_000_000));
      assertThat(again.outcome()).isEqualTo(Reservation.Outcome.ALREADY_BOUND);
      assertThat(again.leaseUntil()).as("the lease of the first accept").isEqualTo(1_000_000);
    } finally {
      await(fresh.close());
    }
    JobStore third = open(prefix);
    try {
      Confirmation confirmed = await(third.confirm(id, 1, "d:1-", 4));
      assertThat(confirmed.newlyConfirmed()).isTrue();
      assertThat(confirmed.job().name()).isEqualTo(name);
      assertThat(confirmed.job().tenant()).isEqualTo(tenant);
    } finally {
      await(third.close());
    }
  }

  /**
   * A reservation takes the device's binding before it writes the lease: when the lease cannot be
   * written (the leases key holds a string), the item fails with the Redis error and leaves neither
   * a binding nor a count behind, so the device binds once the leases key is usable again.
   */
  @Test
  void aReservationWhoseLeaseCannotBeWrittenLeavesNoBinding() {
    long id = await(store.register(spec("t", 1, 5), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 5, 0, 0));
    Redis raw = Redis.createClient(vertx, redis.uri());
    try {
      await(raw.send(Request.cmd(Command.SET).arg(prefix + "leases").arg("not a sorted set")));
      List<Future<Reservation>> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        calls.add(store.reserve(id, 1, "d" + i, 1, 1_000_000));
      }
      await(Future.join(calls).otherwise(f -> null));
      assertThat(calls).allSatisfy(c -> {
        assertThat(c.cause()).isInstanceOf(PropiusException.class).hasMessageContaining("WRONGTYPE");
        assertThat(((PropiusException) c.cause()).code()).isEqualTo(ErrorCode.INTERNAL);
      });
      assertThat(await(raw.send(Request.cmd(Command.HLEN).arg(prefix + "job:" + id + ":bound"))).toInteger())
          .isZero();
      Job unchanged = await(store.get(id));
      assertThat(unchanged.amount()).isZero();
      assertThat(unchanged.attainedService()).isZero();
      await(raw.send(Request.cmd(Command.DEL).arg(prefix + "leases")));
    } finally {
      await(raw.close());
    }
    Reservation bound = await(store.reserve(id, 1, "d0", 2, 1_000_000));
    assertThat(bound.outcome()).isEqualTo(Reservation.Outcome.BOUND);
    assertThat(bound.job().amount()).isEqualTo(1);
    assertThat(await(store.get(id)).amount()).isEqualTo(1);
    // The job's version moved with the reservation: a job-level update after it still applies.
    assertThat(await(store.endRound(id, 1, 3)).after().state()).isEqualTo(JobState.IDLE);
  }

  /**
   * The Redis data wiped while the store runs, and a new job registered (by another process) under
   * the id of one whose fixed fields the store keeps: accepts and confirmations fired at once (several items of the job
   * per batch, the later ones without the job in their answer) all carry the new job, not the old.
   */
  @Test
  void afterTheDataIsWipedBatchedAnswersCarryTheJobThatNowHasTheId() {
    long old = await(store.register(spec("old", 1, 10), NO_LIMITS, 5)).id();
    await(store.requestRound(old, 10, 0, 6));
    assertThat(await(store.reserve(old, 1, "early", 7, 1_000_000)).outcome()).isEqualTo(Reservation.Outcome.BOUND);
    Redis raw = Redis.createClient(vertx, redis.uri());
    try {
      List<Response> keys = await(raw.send(Request.cmd(Command.KEYS).arg(prefix + "*"))).stream().toList();
      Request del = Request.cmd(Command.DEL);
      keys.forEach(k -> del.arg(k.toString()));
      await(raw.send(del));
    } finally {
      await(raw.close());
    }
    // Another process registers the new job: this store still keeps the old job's fixed fields.
    JobStore other = open(prefix);
    long reused;
    try {
      reused = await(other.register(spec("new", 1, 40), NO_LIMITS, 50)).id();
      await(other.requestRound(reused, 40, 0, 51));
    } finally {
      await(other.close());
    }
    assertThat(reused).as("ids start again on wiped data").isEqualTo(old);
    List<Future<Reservation>> accepts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      accepts.add(store.reserve(reused, 1, "d" + i, 100 + i, 1_000_000));
    }
    await(Future.all(accepts));
    assertThat(accepts).allSatisfy(a -> {
      assertThat(a.result().outcome()).isEqualTo(Reservation.Outcome.BOUND);
      assertThat(a.result().job().tenant()).isEqualTo("new");
      assertThat(a.result().job().timeStamp()).isEqualTo(50);
    });
    List<Future<Confirmation>> confirms = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      confirms.add(store.confirm(reused, 1, "d" + i, 200));
    }
    await(Future.all(confirms));
    assertThat(confirms).allSatisfy(c -> {
      assertThat(c.result().newlyConfirmed()).isTrue();
      assertThat(c.result().job().tenant()).isEqualTo("new");
      assertThat(c.result().job().amount()).isEqualTo(40);
    });
  }

  /**
   * Device handlers keep per-event-loop state and write their answer from their own thread: the
   * store must answer each reservation and confirmation on the event loop that asked, although
   * callers on two loops fire at once and their items could share batches.
   */
  /**
   * A Redis that stops answering (SIGSTOP, sockets open) fails a loop's commands after
   * {@code store.timeoutMs} with UNAVAILABLE (the timeout is set on the connection's event loop),
   * and once Redis answers again the loop's next command succeeds.
   */
  @Test
  void aLoopsCommandsTimeOutWhileRedisStopsAnsweringAndGoOnAfterwards() {
    try (RedisProcess stalling = RedisProcess.ephemeral()) {
      RedisJobStore hung = new RedisJobStore(vertx, new StoreOptions().setType("redis").setRedisUri(stalling.uri())
          .setKeyPrefix("stall:").setTimeoutMs(300), new PropiusMetrics(PropiusServer.newRegistry()));
      await(hung.open());
      try {
        long id = await(hung.register(spec("t", 1, 10), NO_LIMITS, 0)).id();
        await(hung.requestRound(id, 10, 0, 0));
        ContextInternal loop = ((VertxInternal) vertx).createEventLoopContext();
        await(onLoop(loop, () -> hung.reserve(id, 1, "before", 1, 1_000_000)));
        stalling.pause();
        long start = System.nanoTime();
        Throwable stalled;
        try {
          stalled = Futures.failure(onLoop(loop, () -> hung.reserve(id, 1, "during", 1, 1_000_000)));
        } finally {
          stalling.resume();
        }
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(stalled).isInstanceOf(PropiusException.class).hasMessageContaining("did not answer in time");
        assertThat(((PropiusException) stalled).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(waitedMs).as("failed after the store's timeout, not long after").isBetween(250L, 5_000L);
        assertThat(await(onLoop(loop, () -> hung.reserve(id, 1, "after", 1, 1_000_000))).outcome())
            .isEqualTo(Reservation.Outcome.BOUND);
      } finally {
        await(hung.close());
      }
    }
  }

  private static <T> Future<T> onLoop(ContextInternal loop, Supplier<Future<T>> call) {
    Promise<T> answered = Promise.promise();
    loop.runOnContext(v -> call.get().onComplete(answered));
    return answered.future();
  }

  @Test
  void reservationsAndConfirmationsAreAnsweredOnTheCallersEventLoop() {
    long id = await(store.register(spec("t", 1, 400), NO_LIMITS, 0)).id();
    await(store.requestRound(id, 400, 0, 0));
    List<ContextInternal> callers = new ArrayList<>();
    while (callers.size() < 2) {
      ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
      if (callers.isEmpty() || callers.get(0).nettyEventLoop() != context.nettyEventLoop()) {
        // The second caller runs in a request's (duplicated) context, as an HTTP handler does.
        callers.add(callers.isEmpty() ? context : context.duplicate());
      }
    }
    AtomicInteger elsewhere = new AtomicInteger();
    List<Future<?>> answered = new ArrayList<>();
    for (int c = 0; c < callers.size(); c++) {
      int from = c;
      Promise<Void> fired = Promise.promise();
      callers.get(c).runOnContext(v -> {
        Thread caller = Thread.currentThread();
        List<Future<Confirmation>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          String device = "c" + from + "d" + i;
          calls.add(store.reserve(id, 1, device, 1, 1_000_000).compose(r -> {
            if (Thread.currentThread() != caller) {
              elsewhere.incrementAndGet();
            }
            return store.confirm(id, 1, device, 2);
          }).andThen(confirmed -> {
            if (Thread.currentThread() != caller) {
              elsewhere.incrementAndGet();
            }
          }));
        }
        Future.all(calls).<Void>mapEmpty().onComplete(fired);
      });
      answered.add(fired.future());
    }
    await(Future.all(answered));
    assertThat(elsewhere).as("answers that came on another thread than their caller's").hasValue(0);
    assertThat(await(store.get(id)).amount()).isEqualTo(400);
    DistributionSummary sizes = registry.get("propius.store.batch.size").tag("call", "reserve").summary();
    assertThat(sizes.max()).as("calls of one loop still share script calls").isGreaterThan(1);
  }
}
