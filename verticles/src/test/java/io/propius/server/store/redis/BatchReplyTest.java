package io.propius.server.store.redis;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.testing.RedisProcess;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batch scripts' one-string answer: the edges the store's tests do not reach (an empty batch,
 * missing values, an answer cut short), the empty batch answered by a real redis-server.
 */
class BatchReplyTest {
  private static List<BatchReply.Item> parse(String answer) {
    return BatchReply.parse(answer.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bothScriptsAnswerAnEmptyBatchWithNoItems() {
    Vertx vertx = Vertx.vertx();
    try (RedisProcess redis = RedisProcess.ephemeral()) {
      Redis client = Redis.createClient(vertx, redis.uri());
      for (RedisScript script : List.of(RedisScript.RESERVE, RedisScript.CONFIRM)) {
        Request eval = Request.cmd(Command.EVAL).arg(script.source).arg(1).arg("empty:leases").arg("empty:job:")
            .arg(JobHash.CHANGING.size());
        JobHash.CHANGING.forEach(eval::arg);
        Response answer = await(client.send(eval));
        assertThat(answer.toBytes()).as(script.name()).isEmpty();
        assertThat(BatchReply.parse(answer.toBytes())).as(script.name()).isEmpty();
      }
      await(client.close());
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void noAnswerIsNoItems() {
    assertThat(BatchReply.parse(null)).isEmpty();
    assertThat(parse("")).isEmpty();
  }

  @Test
  void itemsWithAndWithoutTheJobAndMissingValuesInOrder() {
    List<BatchReply.Item> items = parse("5:BOUND1:01:3-0:4:a:b-5:ERROR9:WRONGTYPE1:013:ALREADY_BOUND4:12341:0");
    assertThat(items).hasSize(3);
    assertThat(items.get(0).outcome()).isEqualTo("BOUND");
    assertThat(items.get(0).detail()).isEqualTo("0");
    assertThat(items.get(0).job()).containsExactly(null, "", "a:b-");
    assertThat(items.get(1).outcome()).isEqualTo("ERROR");
    assertThat(items.get(1).detail()).isEqualTo("WRONGTYPE");
    assertThat(items.get(1).job()).isNull();
    assertThat(items.get(2).detail()).isEqualTo("1234");
    assertThat(items.get(2).job()).isNull();
  }

  @Test
  void lengthsCountBytesNotCharacters() {
    assertThat(parse("1:04:€:1:0").get(0).detail()).isEqualTo("€:");
  }

  @Test
  void anAnswerCutShortOrNotInThisFormIsRejected() {
    for (String wrong : List.of("5:BOUND", "5:BOUND1:0", "5:BOUND1:01:2-", "9:BOUND", "BOUND", "5:BOUND1:0-")) {
      assertThatThrownBy(() -> parse(wrong)).as(wrong).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("malformed batch answer");
    }
  }
}
