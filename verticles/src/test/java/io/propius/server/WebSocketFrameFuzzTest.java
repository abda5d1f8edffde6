package io.propius.server;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.ErrorCode;
import io.propius.server.testing.TestServer;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

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
  private static TestServer server;
  private static WebSocket socket;
  private static final ConcurrentLinkedQueue<Promise<JsonObject>> replies = new ConcurrentLinkedQueue<>();

  @BeforeContainer
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

  @AfterContainer
  static void stop() {
    server.close();
  }

  @Property(tries = 250)
  void everyFrameGetsOneReplyWithAClientSideError(@ForAll("frames") String frame) {
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
  }

  @Provide
  Arbitrary<String> frames() {
    Arbitrary<Object> values = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l), Arbitraries.of(4_000_000_000L, -1L, 0L, 1e300, -0.5, 18446744073709551615.0)
            .map(n -> (Object) n),
        Arbitraries.of(true, false).map(b -> (Object) b), Arbitraries.just(new JsonObject().put("x", 1)),
        Arbitraries.just(new JsonArray().add("a")), Arbitraries.just(null));
    Arbitrary<JsonObject> params = Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of(PARAMS),
        Arbitraries.strings().ofMaxLength(5)), values).ofMaxSize(4).map(JsonObject::new);
    Arbitrary<String> requests = net.jqwik.api.Combinators.combine(Arbitraries.oneOf(Arbitraries.of(METHODS),
            Arbitraries.strings().ofMaxLength(10)), params, values)
        .as((method, p, id) -> new JsonObject().put("id", id).put("method", method).put("params", p).encode());
    Arbitrary<String> wrongShapes = Arbitraries.of("[]", "null", "1", "\"x\"", "{", "{\"method\": 5}",
        "{\"method\": \"GetJob\", \"params\": [1]}", "{\"method\": \"GetJob\", \"params\": \"x\"}", "");
    return Arbitraries.oneOf(requests, wrongShapes, Arbitraries.strings().ofMaxLength(60));
  }
}
