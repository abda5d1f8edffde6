package io.propius.server;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.propius.api.ErrorCode;
import io.propius.testing.RandomInputs;
import io.propius.server.testing.TestServer;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random text frames on a real job WebSocket — garbage, JSON of the wrong shape, and requests
 * with the real method names and random params: every frame gets one reply, a result or an error
 * with a client-side code (never INTERNAL), and the connection stays open for the next.
 */
class WebSocketFrameFuzzTest {
  private static final String[] METHODS = {"RegisterJob", "RequestRound", "EndRound", "FinishJob", "Heartbeat",
      "GetJob", "WatchJob", "UnwatchJob"};
  private static final String[] PARAMS = {"job_id", "total_rounds", "est_demand", "demand", "round", "tenant", "name",
      "public_constraints", "private_constraints", "reducer", "query"};
  private static final String[] WRONG_SHAPES = {"[]", "null", "1", "\"x\"", "{", "{\"method\": 5}",
      "{\"method\": \"GetJob\", \"params\": [1]}", "{\"method\": \"GetJob\", \"params\": \"x\"}", "",
      "{\"method\": \"RegisterJob\", \"params\": " + "[".repeat(5000) + "]".repeat(5000) + "}"};
  private static TestServer server;
  private static WebSocket socket;
  private static final ConcurrentLinkedQueue<Promise<JsonObject>> replies = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() {
    server = TestServer.start();
    socket = await(server.webSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.server.jobsPort()).setURI("/v1/jobs/ws")));
    socket.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if (!frame.containsKey("event")) {
        replies.remove().complete(frame);
      }
    });
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static LongStream seeds() {
    return RandomInputs.seeds(250);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyFrameGetsOneReplyWithAClientSideError(long seed) {
    String frame = frame(new RandomInputs(seed));
    assertDoesNotThrow(() -> {
      Promise<JsonObject> reply = Promise.promise();
      replies.add(reply);
      socket.writeTextMessage(frame);
      JsonObject answer = await(reply.future(), Duration.ofSeconds(10));
      assertThat(answer.containsKey("result") || answer.containsKey("error")).as(answer.encode()).isTrue();
      if (answer.containsKey("error")) {
        ErrorCode code = ErrorCode.valueOf(answer.getJsonObject("error").getString("code"));
        assertThat(code).as(answer.encode()).isNotEqualTo(ErrorCode.INTERNAL);
      }
      assertThat(socket.isClosed()).isFalse();
    }, () -> "seed " + seed + ", frame " + Json.encode(frame));
  }

  /** A request with a real or random method and random params, JSON of the wrong shape, or random text. */
  private static String frame(RandomInputs random) {
    return random.fromOneOf(
        () -> new JsonObject().put("id", value(random))
            .put("method", random.bool() ? random.oneOf(METHODS) : random.string(10))
            .put("params", new JsonObject(random.map(4, () -> random.bool() ? random.oneOf(PARAMS) : random.string(5),
                () -> value(random))))
            .encode(),
        () -> random.oneOf(WRONG_SHAPES),
        () -> random.string(60));
  }

  private static Object value(RandomInputs random) {
    return random.fromOneOf(
        () -> random.string(30),
        random::anyLong,
        () -> random.oneOf(4_000_000_000L, -1L, 0L, 1e300, -0.5, 18446744073709551615.0),
        random::bool,
        () -> new JsonObject().put("x", 1),
        () -> new JsonArray().add("a"),
        () -> null);
  }
}
