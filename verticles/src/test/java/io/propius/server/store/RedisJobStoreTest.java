package io.propius.server.store;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.JobState;
import io.propius.server.PropiusServer;
import io.propius.server.config.StoreOptions;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.store.redis.RedisJobStore;
import io.propius.testing.RedisProcess;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract, against a real redis-server; each test gets its own key prefix, i.e. an empty store. */
class RedisJobStoreTest extends JobStoreContract {
  private static final AtomicInteger STORES = new AtomicInteger();
  private static RedisProcess redis;
  private static Vertx vertx;

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
    return open("contract" + STORES.incrementAndGet() + ":");
  }

  private static JobStore open(String prefix) {
    RedisJobStore store = new RedisJobStore(vertx, new StoreOptions().setType("redis").setRedisUri(redis.uri())
        .setKeyPrefix(prefix), new PropiusMetrics(PropiusServer.newRegistry()));
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
}
