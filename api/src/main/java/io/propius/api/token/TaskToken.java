package io.propius.api.token;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.json.JsonObject;

/**
 * A device's right to take part in one round of one job: it fetches the round's plan and uploads
 * its result with it. Signed by the client manager that bound the device; verified by edge nodes.
 */
public record TaskToken(long jobId, int round, String deviceId, long expiresAtMs) {
  static final String KIND = "pt1";

  public String encode(TokenSigner signer) {
    return signer.sign(KIND, new JsonObject().put("j", jobId).put("r", round).put("d", deviceId).put("e", expiresAtMs));
  }

  /**
   * @throws PropiusException UNAUTHENTICATED when forged, malformed or expired
   */
  public static TaskToken verify(TokenSigner signer, String token, long nowMs) {
    JsonObject p = signer.verify(KIND, token, "task token");
    TaskToken t;
    try {
      t = new TaskToken(p.getLong("j"), p.getInteger("r"), p.getString("d"), p.getLong("e"));
    } catch (ClassCastException | NullPointerException e) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "task token is malformed");
    }
    if (t.deviceId() == null) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "task token is malformed");
    }
    if (nowMs > t.expiresAtMs()) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "task token expired");
    }
    return t;
  }

  /**
   * @throws PropiusException PERMISSION_DENIED when the token is for another job or round
   */
  public void requireFor(long job, int forRound) {
    if (jobId != job || round != forRound) {
      throw new PropiusException(ErrorCode.PERMISSION_DENIED,
          "task token is for job " + jobId + " round " + round + ", not job " + job + " round " + forRound);
    }
  }
}
