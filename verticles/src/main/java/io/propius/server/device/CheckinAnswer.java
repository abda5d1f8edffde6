package io.propius.server.device;

import io.propius.api.JsonStrings;
import io.propius.api.device.CheckinResponse;
import io.propius.api.device.Offer;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

  private byte[] out = new byte[2048];
  private int at;

  /** @param offers offers whose tokens this server signed */
  Buffer write(String deviceId, List<Offer> offers, long retryAfterMs) {
    if (!JsonStrings.isPlain(deviceId) || !plainConstraints(offers)) {
      return new CheckinResponse(deviceId, offers, retryAfterMs).toJson().toBuffer();
    }
    at = 0;
    bytes(DEVICE_ID);
    plain(deviceId);
    bytes(OFFERS);
    for (int i = 0; i < offers.size(); i++) {
      if (i > 0) {
        ascii(',');
      }
      offer(offers.get(i));
    }
    bytes(RETRY_AFTER);
    number(retryAfterMs);
    ascii('}');
    return Buffer.buffer(at).appendBytes(out, 0, at);
  }

  private void offer(Offer o) {
    bytes(JOB_ID);
    number(o.jobId());
    bytes(ROUND);
    number(o.round());
    bytes(CONSTRAINTS);
    boolean first = true;
    for (Map.Entry<String, Double> c : o.privateConstraints().entrySet()) {
      if (!first) {
        ascii(',');
      }
      first = false;
      ascii('"');
      plain(c.getKey());
      ascii('"');
      ascii(':');
      plain(Double.toString(c.getValue())); // what Jackson writes for a finite double
    }
    bytes(OFFER);
    plain(o.offer());
    bytes(EXPIRES);
    number(o.expiresAtMs());
    Offer.Work work = o.work();
    if (work != null) {
      bytes(SHARDS);
      number(work.shards());
      bytes(SHARD_BYTES);
      number(work.shardBytes());
      bytes(MODEL_BYTES);
      number(work.modelBytes());
      bytes(DEADLINE);
      number(work.deadlineMs());
    }
    ascii('}');
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

  /** A string of ASCII that JSON carries as it is: its chars are its bytes. */
  @SuppressWarnings("deprecation") // the one String method that copies Latin-1 chars into a byte array
  private void plain(String s) {
    room(s.length());
    s.getBytes(0, s.length(), out, at);
    at += s.length();
  }

  private void number(long v) {
    plain(Long.toString(v)); // the JDK's digit pairs beat a division per digit here
  }

  private void bytes(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, out, at, b.length);
    at += b.length;
  }

  private void ascii(char c) {
    room(1);
    out[at++] = (byte) c;
  }

  private void room(int n) {
    if (at + n > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, at + n));
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
