package io.propius.server.device;

import static io.propius.server.device.AsciiJsonWriter.ascii;

import io.propius.api.JsonStrings;
import io.propius.api.device.CheckinResponse;
import io.propius.api.device.Offer;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * Writes the answer to a check-in: the bytes of {@link CheckinResponse#toJson()}{@code .toBuffer()}
 * (the device API's wire format), with no JSON tree, no escaping pass and no intermediate strings.
 * The offer tokens are this server's signed tokens (compact JWS: base64url and dots), which JSON
 * carries as they are, so they are copied without a look at each character; every other string is
 * checked, and an answer with one that JSON would escape (never a valid device id; rare) takes the
 * JSON tree.
 *
 * <p>One per verticle instance (its event loop): it reuses one array for every answer.
 */
final class CheckinAnswer {
  private static final byte[] DEVICE_ID = ascii("{\"device_id\":\"");
  private static final byte[] OFFERS = ascii("\",\"offers\":[");
  private static final byte[] JOB_ID = ascii("{\"job_id\":");
  private static final byte[] ROUND = ascii(",\"round\":");
  private static final byte[] CONSTRAINTS = ascii(",\"private_constraints\":{");
  private static final byte[] OFFER = ascii("},\"offer\":\"");
  private static final byte[] EXPIRES = ascii("\",\"expires_at_ms\":");
  private static final byte[] SHARDS = ascii(",\"shards\":");
  private static final byte[] SHARD_BYTES = ascii(",\"shard_bytes\":");
  private static final byte[] MODEL_BYTES = ascii(",\"model_bytes\":");
  private static final byte[] DEADLINE = ascii(",\"deadline_ms\":");
  private static final byte[] RETRY_AFTER = ascii("],\"retry_after_ms\":");

  private final AsciiJsonWriter out = new AsciiJsonWriter(2048);

  /** @param offers offers whose tokens this server signed */
  Buffer write(String deviceId, List<Offer> offers, long retryAfterMs) {
    if (!JsonStrings.isPlain(deviceId) || !plainConstraints(offers)) {
      return new CheckinResponse(deviceId, offers, retryAfterMs).toJson().toBuffer();
    }
    out.reset().bytes(DEVICE_ID);
    out.plain(deviceId);
    out.bytes(OFFERS);
    for (int i = 0; i < offers.size(); i++) {
      if (i > 0) {
        out.ascii(',');
      }
      offer(offers.get(i));
    }
    out.bytes(RETRY_AFTER);
    out.number(retryAfterMs);
    out.ascii('}');
    return out.toBuffer();
  }

  private void offer(Offer o) {
    out.bytes(JOB_ID);
    out.number(o.jobId());
    out.bytes(ROUND);
    out.number(o.round());
    out.bytes(CONSTRAINTS);
    boolean first = true;
    for (Map.Entry<String, Double> c : o.privateConstraints().entrySet()) {
      if (!first) {
        out.ascii(',');
      }
      first = false;
      out.ascii('"');
      out.plain(c.getKey());
      out.ascii('"');
      out.ascii(':');
      out.plain(Double.toString(c.getValue())); // what Jackson writes for a finite double
    }
    out.bytes(OFFER);
    out.plain(o.offer());
    out.bytes(EXPIRES);
    out.number(o.expiresAtMs());
    Offer.Work work = o.work();
    if (work != null) {
      out.bytes(SHARDS);
      out.number(work.shards());
      out.bytes(SHARD_BYTES);
      out.number(work.shardBytes());
      out.bytes(MODEL_BYTES);
      out.number(work.modelBytes());
      out.bytes(DEADLINE);
      out.number(work.deadlineMs());
    }
    out.ascii('}');
  }

  private static boolean plainConstraints(List<Offer> offers) {
    for (Offer o : offers) {
      for (Map.Entry<String, Double> c : o.privateConstraints().entrySet()) {
        if (!JsonStrings.isPlain(c.getKey()) || c.getValue() == null || !Double.isFinite(c.getValue())) {
          return false;
        }
      }
    }
    return true;
  }
}
