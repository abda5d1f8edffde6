package io.propius.server.device;

import static io.propius.server.device.AsciiJsonWriter.ascii;

import io.propius.api.JsonStrings;
import io.propius.api.device.Binding;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Writes the answers to accept and confirm: the bytes of {@link Binding#toJson()}{@code .toBuffer()}
 * and of the confirmation's JSON object, with no JSON tree and no escaping pass. The task token is
 * this server's signed token (base64url and dots) and is copied as it is; the device id and the
 * data-plane address are checked, and an answer with a string that JSON would escape (never a
 * valid device id; rare) takes the JSON tree.
 *
 * <p>One per verticle instance (its event loop): it reuses one array for every answer.
 */
final class BindingAnswer {
  private static final byte[] JOB_ID = ascii("{\"job_id\":");
  private static final byte[] ROUND = ascii(",\"round\":");
  private static final byte[] DEVICE_ID = ascii(",\"device_id\":\"");
  private static final byte[] TASK_TOKEN = ascii("\",\"task_token\":\"");
  private static final byte[] DATA_PLANE = ascii("\",\"data_plane\":\"");
  private static final byte[] LEASE_EXPIRES = ascii("\",\"lease_expires_at_ms\":");
  private static final byte[] TASK_EXPIRES = ascii(",\"task_expires_at_ms\":");
  private static final byte[] CONFIRMED = ascii("\",\"confirmed\":true}");

  private final AsciiJsonWriter out = new AsciiJsonWriter(1024);

  /** @param binding a binding whose task token this server signed */
  Buffer binding(Binding binding) {
    if (!JsonStrings.isPlain(binding.deviceId()) || !JsonStrings.isPlain(binding.dataPlane())) {
      return binding.toJson().toBuffer();
    }
    out.reset();
    job(binding.jobId(), binding.round(), binding.deviceId());
    out.bytes(TASK_TOKEN);
    out.plain(binding.taskToken());
    out.bytes(DATA_PLANE);
    out.plain(binding.dataPlane());
    out.bytes(LEASE_EXPIRES);
    out.number(binding.leaseExpiresAtMs());
    out.bytes(TASK_EXPIRES);
    out.number(binding.taskExpiresAtMs());
    out.ascii('}');
    return out.toBuffer();
  }

  /** The answer to a confirmation of the device's task in {@code round} of job {@code jobId}. */
  Buffer confirmed(long jobId, int round, String deviceId) {
    if (!JsonStrings.isPlain(deviceId)) {
      return new JsonObject().put("job_id", jobId).put("round", round).put("device_id", deviceId)
          .put("confirmed", true).toBuffer();
    }
    out.reset();
    job(jobId, round, deviceId);
    out.bytes(CONFIRMED);
    return out.toBuffer();
  }

  /** {@code {"job_id":J,"round":R,"device_id":"D}, the string left open. */
  private void job(long jobId, int round, String deviceId) {
    out.bytes(JOB_ID);
    out.number(jobId);
    out.bytes(ROUND);
    out.number(round);
    out.bytes(DEVICE_ID);
    out.plain(deviceId);
  }
}
