package io.propius.api.token;

import io.propius.api.PropiusException;
import io.vertx.core.json.JsonObject;

/**
 * An edge node's credential towards its parent: issued by the control plane (the node cannot make
 * one), naming the node ({@code nodeId}) and signed with the key of the parent's {@code audience}.
 * Of its own type, so a device's task token never passes as a node.
 */
public record NodeCredential(String nodeId, String audience, long expiresAtMs) {
  static final String TYP = "propius-node";

  public String encode(TokenSigner signer) {
    return signer.sign(TYP, audience, new JsonObject().put("sub", nodeId).put("aud", audience)
        .put("exp_ms", expiresAtMs));
  }

  /**
   * @throws PropiusException UNAUTHENTICATED when forged, for another parent, under a retired key,
   *     malformed or expired
   */
  public static NodeCredential verify(AudienceKeys verifier, String token, long nowMs) {
    TokenClaims p;
    try {
      p = CompactJws.verify(token, TYP, verifier.keys(), "node credential");
    } catch (TokenRejectedException e) {
      throw verifier.misrouted(token, e, "node credential is for parent");
    }
    if (!(p.get("sub") instanceof String node) || !(p.get("aud") instanceof String aud)
        || !(p.get("exp_ms") instanceof Number e)) {
      throw new TokenRejectedException(TokenRejection.MALFORMED, "node credential is malformed");
    }
    if (!verifier.audience().equals(aud)) {
      throw new TokenRejectedException(TokenRejection.WRONG_AUDIENCE, "node credential is for parent '" + aud
          + "', not '" + verifier.audience() + "'");
    }
    if (nowMs > e.longValue()) {
      throw new TokenRejectedException(TokenRejection.EXPIRED, "node credential expired; issue a new one");
    }
    return new NodeCredential(node, aud, e.longValue());
  }
}
