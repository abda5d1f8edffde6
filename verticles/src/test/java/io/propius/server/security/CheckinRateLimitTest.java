package io.propius.server.security;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  @Test
  void aForwardedForHeaderFromAnUntrustedPeerIsIgnored() {
    PropiusOptions options = TestServer.testOptions();
    options.devices().getRateLimit().setPerAddress(new RateLimit(0.5, 3));
    options.devices().setTrustedProxies("10.0.0.0/8, fd00::/8"); // the test's peer, 127.0.0.1, is not one
    try (TestServer server = TestServer.start(options)) {
      for (int i = 0; i < 3; i++) {
        assertThat(await(checkinFrom(server, "d" + i, "203.0.113." + i)).statusCode()).isEqualTo(200);
      }
      HttpResponse<Buffer> fourth = await(checkinFrom(server, "d3", "198.51.100.9"));
      assertThat(fourth.statusCode()).isEqualTo(429);
      assertThat(fourth.bodyAsJsonObject().getJsonObject("error").getString("message"))
          .startsWith("too many check-ins from address 127.0.0.1 (devices.rateLimit.perAddress)");
    }
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnBucket() {
    PropiusOptions options = TestServer.testOptions();
    options.devices().getRateLimit().setPerAddress(new RateLimit(0.5, 3));
    options.devices().setTrustedProxies("127.0.0.1/32");
    try (TestServer server = TestServer.start(options)) {
      for (int i = 0; i < 3; i++) {
        assertThat(await(checkinFrom(server, "d" + i, "203.0.113.7")).statusCode()).isEqualTo(200);
      }
      HttpResponse<Buffer> fourth = await(checkinFrom(server, "d3", "203.0.113.7"));
      assertThat(fourth.statusCode()).isEqualTo(429);
      assertThat(fourth.bodyAsJsonObject().getJsonObject("error").getString("message"))
          .startsWith("too many check-ins from address 203.0.113.7 (devices.rateLimit.perAddress)");
      // Another client behind the same proxy has its own bucket.
      assertThat(await(checkinFrom(server, "d4", "203.0.113.8")).statusCode()).isEqualTo(200);
      // A client that writes its own X-Forwarded-For gets the proxy's hop appended: the forged hop
      // to its left is not believed, so it cannot escape its bucket.
      HttpResponse<Buffer> forged = await(checkinFrom(server, "d5", "192.0.2.1, 203.0.113.7"));
      assertThat(forged.statusCode()).isEqualTo(429);
      assertThat(forged.bodyAsJsonObject().getJsonObject("error").getString("message"))
          .contains("from address 203.0.113.7");
      // Garbage where the proxy's hop should be: the proxy itself is the client.
      assertThat(await(checkinFrom(server, "d6", "not-an-address")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aTrustedProxyThatIsNotACidrIsRefusedAtStart() {
    PropiusOptions options = TestServer.testOptions();
    options.devices().setTrustedProxies("10.0.0.0/8, proxy.example.com");
    assertThatThrownBy(options::validate)
        .hasMessage("devices.trustedProxies: 'proxy.example.com' is not an IP address or CIDR (such as 10.0.0.0/8 "
            + "or fd00::/8)");
    options.devices().setTrustedProxies("10.0.0.0/33");
    assertThatThrownBy(options::validate)
        .hasMessage("devices.trustedProxies: '10.0.0.0/33' has a prefix length outside 0-32");
  }

  private static Future<HttpResponse<Buffer>> checkinFrom(TestServer server, String deviceId, String forwardedFor) {
    return server.http.post(server.devicesPort(), "127.0.0.1", "/v1/checkin").putHeader("X-Forwarded-For", forwardedFor)
        .sendJsonObject(new JsonObject().put("device_id", deviceId).put("attributes", ATTRIBUTES));
  }
}
