package io.propius.api.token;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.json.JsonObject;

/**
 * Proof that a client manager offered round {@code round} of job {@code jobId} to a device. Any
 * client manager sharing the secret can check it, so accept may land on another instance than
 * check-in (as behind a load balancer).
 */
public record OfferToken(String deviceId, long jobId, int round, long expiresAtMs) {
  static final String KIND = "po1";

  public String encode(TokenSigner signer) {
    return signer.sign(KIND, new JsonObject().put("d", deviceId).put("j", jobId).put("r", round).put("e", expiresAtMs));
  }

  /**
   * @throws PropiusException OFFER_INVALID when the token is forged, malformed or for another
   *     device; OFFER_EXPIRED when its window passed
   */
  public static OfferToken verify(TokenSigner signer, String token, String deviceId, long nowMs) {
    JsonObject p;
    try {
      p = signer.verify(KIND, token, "offer");
    } catch (PropiusException e) {
      throw new PropiusException(ErrorCode.OFFER_INVALID, e.getMessage() + ": it was not issued by Propius");
    }
    OfferToken offer;
    try {
      offer = new OfferToken(p.getString("d"), p.getLong("j"), p.getInteger("r"), p.getLong("e"));
    } catch (ClassCastException | NullPointerException e) {
      throw new PropiusException(ErrorCode.OFFER_INVALID, "offer is malformed");
    }
    if (!offer.deviceId().equals(deviceId)) {
      throw new PropiusException(ErrorCode.OFFER_INVALID, "offer was issued to another device, not '" + deviceId + "'");
    }
    if (nowMs > offer.expiresAtMs()) {
      throw new PropiusException(ErrorCode.OFFER_EXPIRED,
          "offer for job " + offer.jobId() + " round " + offer.round() + " expired; check in again");
    }
    return offer;
  }
}
