package io.propius.edge.http;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upload's query parameters read without Vert.x's multimap mean what Vert.x's
 * {@code getParam} says they mean: a real server answers both readings of each query it gets.
 */
class QueryParamTest {
  private static final List<String> NAMES = List.of("samples", "base_round", "sample", "x");
  private static Vertx vertx;
  private static HttpServer server;
  private static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = await(vertx.createHttpServer().requestHandler(req -> {
      JsonArray both = new JsonArray();
      NAMES.forEach(n -> both.add(new JsonArray().add(read(() -> QueryParam.first(req, n)))
          .add(read(() -> req.getParam(n)))));
      req.response().end(both.encode());
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  /** The value, or the exception's class: a query Vert.x cannot decode must fail the same way. */
  private static String read(Supplier<String> param) {
    try {
      return param.get();
    } catch (RuntimeException e) {
      return "failed: " + e.getClass().getName();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "?", "?samples=5", "?samples=5&base_round=2", "?base_round=2&samples=7&samples=9",
      "?samples", "?samples=", "?samples&x=1", "?&&samples=3&", "?sample=1&samples=2", "?samplesx=1&xsamples=2",
      "?=4&x=", "?samples=1%32", "?sam%70les=4", "?samples=+4", "?samples=4;x=5", "?x=a=b&samples=6#frag",
      "?x=1?samples=2", "?SAMPLES=3", "?samples=%E2%82%AC"})
  void eachParameterReadsAsVertxReadsIt(String query) throws Exception {
    // The JDK's client sends the query as written (raw, not re-encoded).
    String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
        + "/v1/results/1/0" + query)).timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString()).body();
    JsonArray both = new JsonArray(body);
    for (int i = 0; i < NAMES.size(); i++) {
      JsonArray pair = both.getJsonArray(i);
      assertThat(pair.getValue(0)).as("%s in '%s'", NAMES.get(i), query).isEqualTo(pair.getValue(1));
    }
  }
}
