package io.propius.server.security;

import static io.propius.server.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.edge.ratelimit.RateLimit;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.Devices;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Check-in rate limits: a flooding device gets 429 with Retry-After while the others are served. */
class CheckinRateLimitTest {
  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 2);

  @Test
  void aFloodFromOneDeviceIsRefusedWhileOthersAreServed() {
    PropiusOptions options = TestServer.testOptions();
    options.devices().getRateLimit().setPerDevice(new RateLimit(1, 5));
    try (TestServer server = TestServer.start(options)) {
      Devices devices = new Devices(server);
      List<Future<HttpResponse<Buffer>>> flood = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> others = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        flood.add(devices.checkin("flooder", ATTRIBUTES));
        if (i % 3 == 0) {
          others.add(devices.checkin("phone-" + i, ATTRIBUTES));
        }
      }
      await(Future.join(new ArrayList<>(flood)), Duration.ofSeconds(30));
      await(Future.join(new ArrayList<>(others)), Duration.ofSeconds(30));

      assertThat(others).allSatisfy(f -> assertThat(f.result().statusCode()).isEqualTo(200));
      List<HttpResponse<Buffer>> refused = flood.stream().map(Future::result).filter(r -> r.statusCode() == 429)
          .toList();
      // A burst of 5, then 1 a second: the test takes a few seconds at most.
      assertThat(refused.size()).isBetween(45, 55);
      HttpResponse<Buffer> one = refused.get(0);
      assertThat(Long.parseLong(one.getHeader("Retry-After"))).isBetween(1L, 2L);
      JsonObject error = one.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("RATE_LIMITED");
      assertThat(error.getString("message")).startsWith("device 'flooder' checks in too often "
          + "(devices.rateLimit.perDevice); retry in ");
      assertThat(server.registry.get("propius.rate.limited").tag("limit", "device").counter().count())
          .isEqualTo(refused.size());
    }
  }

  @Test
  void oneAddressIsLimitedAcrossDeviceIds() {
    PropiusOptions options = TestServer.testOptions();
    options.devices().getRateLimit().setPerAddress(new RateLimit(0.5, 3));
    try (TestServer server = TestServer.start(options)) {
      Devices devices = new Devices(server);
      for (int i = 0; i < 3; i++) {
        assertThat(await(devices.checkin("d" + i, ATTRIBUTES)).statusCode()).isEqualTo(200);
      }
      HttpResponse<Buffer> fourth = await(devices.checkin("d3", ATTRIBUTES));
      assertThat(fourth.statusCode()).isEqualTo(429);
      assertThat(fourth.bodyAsJsonObject().getJsonObject("error").getString("message"))
          .startsWith("too many check-ins from address 127.0.0.1 (devices.rateLimit.perAddress)");
    }
  }
}
