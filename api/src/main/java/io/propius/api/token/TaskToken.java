package io.propius.api.token;

import io.propius.api.ErrorCode;
import io.propius.api.JsonStrings;
import io.propius.api.PropiusException;
import io.vertx.core.json.JsonObject;

/**
 * A device's right to take part in one round of one job at the data-plane node(s) named
 * {@code audience}: it fetches the round's plan and uploads its result with it. Signed by the
 * client manager that bound the device with the key derived for that audience.
 */
public record TaskToken(long jobId, int round, String deviceId, String audience, long expiresAtMs, int shards) {
  static final String TYP = "propius-task";

  /** A task without data work ({@code shards} 0). */
  public TaskToken(long jobId, int round, String deviceId, String audience, long expiresAtMs) {
    this(jobId, round, deviceId, audience, expiresAtMs, 0);
  }

  /** @param shards the shards MED offered the device (what it may say it trained); 0 without data work */
  public TaskToken {
  }

  public String encode(TokenSigner signer) {
    return sign(signer.signingKeys(audience));
  }

  /**
   * Signed with {@code keys}, the claims written field by field (every accept signs one); ids that
   * would need escaping (never valid ones) take the JSON encoder.
   */
  String sign(KeyRing keys) {
    if (!JsonStrings.isPlain(deviceId) || !JsonStrings.isPlain(audience)) {
      return CompactJws.sign(TYP, keys, claims());
    }
    JwsWriter claims = JwsWriter.claims().number("job", jobId).number("round", round).string("sub", deviceId)
        .string("aud", audience).number("exp_ms", expiresAtMs);
    if (shards > 0) {
      claims.number("shards", shards);
    }
    return claims.sign(TYP, keys);
  }

  /** The claims as a JSON object; {@link #sign} writes these very bytes without one. */
  JsonObject claims() {
    JsonObject claims = new JsonObject().put("job", jobId).put("round", round).put("sub", deviceId)
        .put("aud", audience).put("exp_ms", expiresAtMs);
    return shards > 0 ? claims.put("shards", shards) : claims;
  }

  /**
   * @throws PropiusException UNAUTHENTICATED when forged, for another node, under a retired key,
   *     malformed or expired
   */
  public static TaskToken verify(AudienceKeys verifier, String token, long nowMs) {
    TokenClaims p;
    try {
      p = CompactJws.verify(token, TYP, verifier.keys(), "task token");
    } catch (TokenRejectedException e) {
      throw verifier.misrouted(token, e, "task token is for data-plane node");
    }
    TaskToken t;
    try {
      t = new TaskToken(p.number("job"), p.integer("round"), p.string("sub"), p.string("aud"),
          p.number("exp_ms"), p.integer("shards", 0));
    } catch (ClassCastException | NullPointerException e) {
      throw new TokenRejectedException(TokenRejection.MALFORMED, "task token is malformed");
    }
    if (t.deviceId() == null) {
      throw new TokenRejectedException(TokenRejection.MALFORMED, "task token is malformed");
    }
    if (!verifier.audience().equals(t.audience())) {
      throw new TokenRejectedException(TokenRejection.WRONG_AUDIENCE, "task token is for data-plane node '" + t.audience()
          + "', not '" + verifier.audience() + "'");
    }
    if (nowMs > t.expiresAtMs()) {
      throw new TokenRejectedException(TokenRejection.EXPIRED, "task token expired");
    }
    return t;
  }

  /**
   * At the control plane, which can verify a task token for any audience (a device confirming its task).
   *
   * @throws PropiusException UNAUTHENTICATED as {@link #verify(AudienceKeys, String, long)}
   */
  public static TaskToken verify(TokenSigner signer, String token, long nowMs) {
    String audience = CompactJws.unverifiedClaim(token, "aud");
    AudienceKeys verifier;
    try {
      verifier = signer.audienceKeys(audience);
    } catch (IllegalArgumentException e) {
      throw token == null || token.isEmpty()
          ? new TokenRejectedException(TokenRejection.MISSING, "task token is missing")
          : new TokenRejectedException(TokenRejection.MALFORMED, "task token is malformed");
    }
    return verify(verifier, token, nowMs);
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
