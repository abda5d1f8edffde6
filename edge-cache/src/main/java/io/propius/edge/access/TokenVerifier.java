package io.propius.edge.access;

import io.propius.api.PropiusException;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.edge.upstream.NodeToken;
import java.util.function.LongSupplier;

/**
 * Checks the bearer tokens an edge node is shown: a device's task token or a child node's token.
 * The one place the data plane verifies tokens, so how they are verified can change here alone.
 */
public interface TokenVerifier {
  /** Whether the credential claims to be a node token (not checked yet). */
  boolean isNodeToken(String token);

  /** Whether the credential claims to be a task token (not checked yet) rather than an API key. */
  boolean isTaskToken(String token);

  /**
   * @throws PropiusException UNAUTHENTICATED when forged, malformed or expired
   */
  TaskToken task(String token);

  /**
   * @throws PropiusException UNAUTHENTICATED when forged, malformed or expired
   */
  NodeToken node(String token);

  /** Verifies tokens signed with the deployment's shared secret, expiring on {@code clock}. */
  static TokenVerifier signedWith(TokenSigner signer, LongSupplier clock) {
    return new TokenVerifier() {
      @Override
      public boolean isNodeToken(String token) {
        return NodeToken.looksLikeOne(token);
      }

      @Override
      public boolean isTaskToken(String token) {
        return token != null && token.startsWith("pt1.");
      }

      @Override
      public TaskToken task(String token) {
        return TaskToken.verify(signer, token, clock.getAsLong());
      }

      @Override
      public NodeToken node(String token) {
        return NodeToken.verify(signer, token, clock.getAsLong());
      }
    };
  }
}
