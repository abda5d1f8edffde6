package io.propius.edge.auth;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.token.NodeCredential;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenVerifier;
import java.util.function.Supplier;

/**
 * Everything an edge node knows about tokens, in one place: it verifies the task tokens of devices
 * and the credentials of child nodes meant for its audience, and holds its own credential towards
 * its parent. Nothing here can sign a token another node or the control plane accepts.
 */
public final class EdgeCredentials {
  private final TokenVerifier verifier;
  private final Supplier<String> parentCredential;

  /** @param parentCredential this node's credential at its parent (null or empty at a root) */
  public EdgeCredentials(TokenVerifier verifier, Supplier<String> parentCredential) {
    this.verifier = verifier;
    this.parentCredential = parentCredential;
  }

  public String audience() {
    return verifier.audience();
  }

  /** @throws PropiusException UNAUTHENTICATED naming why the token is refused */
  public TaskToken task(String token, long nowMs) {
    return TaskToken.verify(verifier, token, nowMs);
  }

  /** @throws PropiusException UNAUTHENTICATED naming why the credential is refused */
  public NodeCredential node(String token, long nowMs) {
    return NodeCredential.verify(verifier, token, nowMs);
  }

  /** Whether a bearer token says it is a node's, or a device's, or neither (then a job's API key). */
  public TokenVerifier.Kind kind(String token) {
    return TokenVerifier.kind(token);
  }

  /** @throws PropiusException UNAUTHENTICATED when this node was given no credential for its parent */
  public String parentCredential() {
    String c = parentCredential == null ? null : parentCredential.get();
    if (c == null || c.isEmpty()) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "this node has no credential for its parent (the "
          + "'credential' of its keys file)");
    }
    return c;
  }
}
