package io.propius.server.testing;

import static io.propius.server.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What one small-batch device went through, behaving as the SDK does: long-poll a check-in, accept
 * the offer, check in again after ROUND_FULL; until it binds or its wait ends without an offer.
 *
 * @param offers    offers it was handed
 * @param roundFull accepts answered ROUND_FULL
 * @param jobId     the job it bound to; 0 when none
 */
public record Journey(String deviceId, int offers, int roundFull, long jobId) {
  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 4);

  /** Devices {@code phone-0..n-1}, all at once, all through the same endpoint. */
  public static List<Journey> of(Devices devices, int n) {
    return of(i -> devices, n);
  }

  /** Devices {@code phone-0..n-1}, all at once, device i through {@code endpoint.apply(i)}. */
  public static List<Journey> of(IntFunction<Devices> endpoint, int n) {
    List<Future<Journey>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(run(endpoint.apply(i), "phone-" + i, 0, 0));
    }
    return await(Future.all(all).map(f -> f.<Journey>list()), Duration.ofSeconds(30));
  }

  private static Future<Journey> run(Devices devices, String id, int offers, int roundFull) {
    return devices.checkin(id, ATTRIBUTES).compose(r -> {
      var list = r.bodyAsJsonObject().getJsonArray("offers");
      if (list.isEmpty()) {
        return Future.succeededFuture(new Journey(id, offers, roundFull, 0));
      }
      return devices.accept(id, list.getJsonObject(0).getString("offer")).compose(a -> {
        if (a.statusCode() == 200) {
          return Future.succeededFuture(new Journey(id, offers + 1, roundFull, a.bodyAsJsonObject().getLong("job_id")));
        }
        assertThat(a.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ROUND_FULL");
        return run(devices, id, offers + 1, roundFull + 1);
      });
    });
  }

  /** Offers handed to all of them. */
  public static int offers(List<Journey> journeys) {
    return journeys.stream().mapToInt(Journey::offers).sum();
  }

  /** ROUND_FULL answers all of them heard. */
  public static int roundFull(List<Journey> journeys) {
    return journeys.stream().mapToInt(Journey::roundFull).sum();
  }

  /** How many bound to the job. */
  public static long boundTo(List<Journey> journeys, long jobId) {
    return journeys.stream().filter(j -> j.jobId() == jobId).count();
  }
}
