package io.propius.server;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.server.testing.Devices;
import io.propius.server.testing.TestServer;
import io.propius.testing.FreePort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} against the dashboards and alerts in {@code grafana/}: every series they use is
 * exported, and a real Prometheus scraping a real server accepts every expression.
 */
class ObservabilityTest {
  private static final Path GRAFANA = Path.of("..", "grafana");
  private static final Pattern SERIES = Pattern.compile("\\bpropius_[a-z_]+");

  @TempDir
  Path tmp;

  private static List<String> expressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        collect(new JsonObject(Files.readString(f)), exprs);
      }
    }
    Matcher m = Pattern.compile("(?m)^\\s*expr:\\s*(.+)$").matcher(Files.readString(GRAFANA.resolve("prometheus/alerts.yml")));
    while (m.find()) {
      exprs.add(m.group(1).trim());
    }
    return exprs;
  }

  private static void collect(Object node, List<String> exprs) {
    if (node instanceof JsonObject o) {
      o.forEach(e -> {
        if (e.getKey().equals("expr") && e.getValue() instanceof String s) {
          exprs.add(s);
        } else {
          collect(e.getValue(), exprs);
        }
      });
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collect(v, exprs));
    }
  }

  @Test
  void dashboardsAndAlertsUseOnlyExportedSeriesAndParseInPrometheus() throws Exception {
    List<String> exprs = expressions();
    assertThat(exprs).hasSizeGreaterThan(15);
    try (TestServer server = TestServer.start()) {
      long job = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(1).build()))
          .getJobId();
      await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(job).setDemand(1).build()));
      Devices devices = new Devices(server);
      String late = devices.awaitOffer("d2", new JsonObject(), job).getString("offer");
      await(devices.accept("d1", devices.awaitOffer("d1", new JsonObject(), job).getString("offer")));
      assertThat(await(devices.accept("d2", late)).statusCode()).as("the round of one is full").isEqualTo(409);
      assertThat(await(server.http.put(server.server.adminPort(), "127.0.0.1", "/v1/admin/policy")
          .sendJsonObject(new JsonObject().put("policy", "fifo"))).statusCode()).as("an operator's policy switch")
          .isEqualTo(200);

      String scrape = await(server.http.get(server.server.adminPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
      assertThat(scrape).contains("propius_bindings_total 1.0", "propius_round_fill_seconds_count 1",
          "propius_jobs{state=\"filled\"}", "vertx_eventbus_published_total",
          "propius_accepts_rejected_total{reason=\"full\"} 1.0", "propius_batch_offer_claims_total{outcome=\"refused\"}",
          "propius_policy_switches_total{policy=\"fifo\"} 1.0",
          "propius_med_fallbacks_total{reason=\"overran\"} 0.0", "propius_med_solve_seconds_count 0");
      Set<String> exported = new TreeSet<>();
      Matcher names = Pattern.compile("(?m)^(propius_[a-z_]+)").matcher(scrape);
      while (names.find()) {
        exported.add(names.group(1));
      }
      for (String expr : exprs) {
        Matcher used = SERIES.matcher(expr);
        while (used.find()) {
          assertThat(exported).as("series used by '" + expr + "'").contains(used.group());
        }
      }
      checkWithPrometheus(server, exprs);
    }
  }

  private void checkWithPrometheus(TestServer server, List<String> exprs) throws Exception {
    Process check = new ProcessBuilder("promtool", "check", "rules", GRAFANA.resolve("prometheus/alerts.yml").toString())
        .redirectErrorStream(true).start();
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(new String(check.getInputStream().readAllBytes())).isZero();

    int port = FreePort.find();
    Path config = tmp.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: propius\n"
        + "    static_configs:\n      - targets: [\"127.0.0.1:" + server.server.adminPort() + "\"]\n");
    Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
        "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
    try {
      eventually(Duration.ofSeconds(30), () -> {
        try {
          JsonObject r = query(server, port, "propius_bindings_total");
          return r != null && !r.getJsonObject("data").getJsonArray("result").isEmpty();
        } catch (RuntimeException notYet) {
          return false;
        }
      }, "Prometheus to scrape the server");
      for (String expr : exprs) {
        JsonObject r = query(server, port, expr);
        assertThat(r.getString("status")).as(expr + " → " + r.encode()).isEqualTo("success");
      }
      JsonObject bound = query(server, port, "propius_bindings_total");
      assertThat(bound.getJsonObject("data").getJsonArray("result").getJsonObject(0).getJsonArray("value").getString(1))
          .isEqualTo("1");
    } finally {
      prometheus.destroy();
      prometheus.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static JsonObject query(TestServer server, int port, String expr) {
    return await(server.http.get(port, "127.0.0.1", "/api/v1/query").addQueryParam("query", expr).send())
        .bodyAsJsonObject();
  }
}
