package io.propius.edge.upstream;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.token.TokenSigner;
import io.vertx.core.json.JsonObject;

/**
 * An edge node's credential towards its parent: signed with the deployment's shared token secret,
 * like task tokens but of its own kind, so a device's task token never passes as a node.
 */
public record NodeToken(String nodeId, long expiresAtMs) {
  static final String KIND = "pn1";

  public String encode(TokenSigner signer) {
    return signer.sign(KIND, new JsonObject().put("n", nodeId).put("e", expiresAtMs));
  }

  /** Whether the token claims to be a node token (its signature is not checked here). */
  public static boolean looksLikeOne(String token) {
    return token != null && token.startsWith(KIND + ".");
  }

  /**
   * @throws PropiusException UNAUTHENTICATED when forged, malformed or expired
   */
  public static NodeToken verify(TokenSigner signer, String token, long nowMs) {
    JsonObject p = signer.verify(KIND, token, "node token");
    String node = p.getValue("n") instanceof String s ? s : null;
    if (node == null || !(p.getValue("e") instanceof Number e)) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "node token is malformed");
    }
    if (nowMs > e.longValue()) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "node token expired");
    }
    return new NodeToken(node, e.longValue());
  }
}
