package io.propius.edge.auth;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.token.AudienceKeys;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What an edge node holds of the deployment's secrets: the verification keys of its audience (the
 * task tokens of devices and the credentials of child nodes meant for it), and its own credential
 * at its parent. Nothing here can sign a token another node or the control plane accepts.
 *
 * @param parentCredential this node's credential at its parent (null, or supplying empty, at a root)
 * @param metricsReader    whether an Authorization header may read the node's {@code /metrics}
 */
public record EdgeCredentials(AudienceKeys keys, Supplier<String> parentCredential, Predicate<String> metricsReader) {
  /** With {@code /metrics} open to anyone. */
  public EdgeCredentials(AudienceKeys keys, Supplier<String> parentCredential) {
    this(keys, parentCredential, authorization -> true);
  }

  /** @throws PropiusException UNAUTHENTICATED when this node was given no credential for its parent */
  public String credentialAtParent() {
    String c = parentCredential == null ? null : parentCredential.get();
    if (c == null || c.isEmpty()) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "this node has no credential for its parent (the "
          + "'credential' of its keys file)");
    }
    return c;
  }
}
