package io.propius.api.token;

import io.propius.api.ErrorCode;
import io.propius.api.JsonStrings;
import io.propius.api.PropiusException;
import io.vertx.core.json.JsonObject;

/**
 * Proof that a client manager offered round {@code round} of job {@code jobId} to a device. Signed
 * with a key only the control plane has, so any client manager (sharing the master keys) can check
 * it, and no edge node can make one.
 */
public record OfferToken(String deviceId, long jobId, int round, long expiresAtMs, int shards) {
  static final String TYP = "propius-offer";

  /** An offer without data work ({@code shards} 0). */
  public OfferToken(String deviceId, long jobId, int round, long expiresAtMs) {
    this(deviceId, jobId, round, expiresAtMs, 0);
  }

  /** @param shards the shards MED offered the device; 0 for an offer by device count */
  public OfferToken {
  }

  public String encode(TokenSigner signer) {
    return sign(signer.signingKeys(null));
  }

  /**
   * Signed with {@code keys}, the claims written field by field (every check-in signs one per
   * offer); an id that would need escaping (never a valid device id) takes the JSON encoder.
   */
  String sign(KeyRing keys) {
    if (!JsonStrings.isPlain(deviceId)) {
      return CompactJws.sign(TYP, keys, claims());
    }
    JwsWriter claims = JwsWriter.claims().string("sub", deviceId).number("job", jobId).number("round", round)
        .number("exp_ms", expiresAtMs);
    if (shards > 0) {
      claims.number("shards", shards);
    }
    return claims.sign(TYP, keys);
  }

  /** The claims as a JSON object; {@link #sign} writes these very bytes without one. */
  JsonObject claims() {
    JsonObject claims = new JsonObject().put("sub", deviceId).put("job", jobId).put("round", round)
        .put("exp_ms", expiresAtMs);
    return shards > 0 ? claims.put("shards", shards) : claims;
  }

  /**
   * @throws PropiusException UNAUTHENTICATED under a retired or unknown key; OFFER_INVALID when the
   *     token is forged, malformed or for another device; OFFER_EXPIRED when its window passed
   */
  public static OfferToken verify(TokenSigner signer, String token, String deviceId, long nowMs) {
    TokenClaims p;
    try {
      p = CompactJws.verify(token, TYP, signer.offerKeys(), "offer");
    } catch (TokenRejectedException e) {
      if (e.reason() == TokenRejection.RETIRED_KEY) {
        throw e;
      }
      throw new TokenRejectedException(ErrorCode.OFFER_INVALID, e.reason(), e.getMessage()
          + ": it was not issued by Propius");
    }
    OfferToken offer;
    try {
      offer = new OfferToken(p.string("sub"), p.number("job"), p.integer("round"), p.number("exp_ms"),
          p.integer("shards", 0));
    } catch (ClassCastException | NullPointerException e) {
      throw new TokenRejectedException(ErrorCode.OFFER_INVALID, TokenRejection.MALFORMED, "offer is malformed");
    }
    if (!deviceId.equals(offer.deviceId())) {
      throw new TokenRejectedException(ErrorCode.OFFER_INVALID, TokenRejection.WRONG_AUDIENCE,
          "offer was issued to another device, not '" + deviceId + "'");
    }
    if (nowMs > offer.expiresAtMs()) {
      throw new TokenRejectedException(ErrorCode.OFFER_EXPIRED, TokenRejection.EXPIRED,
          "offer for job " + offer.jobId() + " round " + offer.round() + " expired; check in again");
    }
    return offer;
  }
}
