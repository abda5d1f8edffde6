package io.propius.edge.access;

import io.propius.api.PropiusException;
import io.propius.api.token.AudienceKeys;
import io.propius.api.token.NodeCredential;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenRejectedException;
import io.propius.api.token.TokenRejection;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Checks the bearer tokens an edge node is shown: a device's task token or a child node's
 * credential. The one place the data plane verifies tokens, so how they are verified can change
 * here alone.
 */
public interface TokenVerifier {
  /** Whether the credential claims to be a node credential (not checked yet). */
  boolean isNodeToken(String token);

  /** Whether the credential claims to be a task token (not checked yet) rather than an API key. */
  boolean isTaskToken(String token);

  /**
   * @throws PropiusException UNAUTHENTICATED when forged, for another node, under a retired key,
   *     malformed or expired
   */
  TaskToken task(String token);

  /**
   * @throws PropiusException UNAUTHENTICATED when forged, for another parent, under a retired key,
   *     malformed or expired
   */
  NodeCredential node(String token);

  /**
   * Verifies what is meant for one audience with that audience's keys only (which cannot sign
   * anything another node or the control plane accepts), expiring on {@code clock}; each refusal
   * is told to {@code rejected} (the node's metric) before it is thrown.
   */
  static TokenVerifier forAudience(AudienceKeys keys, LongSupplier clock, Consumer<TokenRejection> rejected) {
    return new TokenVerifier() {
      @Override
      public boolean isNodeToken(String token) {
        return AudienceKeys.kind(token) == AudienceKeys.Kind.NODE;
      }

      @Override
      public boolean isTaskToken(String token) {
        return AudienceKeys.kind(token) == AudienceKeys.Kind.TASK;
      }

      @Override
      public TaskToken task(String token) {
        return counted(() -> TaskToken.verify(keys, token, clock.getAsLong()));
      }

      @Override
      public NodeCredential node(String token) {
        return counted(() -> NodeCredential.verify(keys, token, clock.getAsLong()));
      }

      private <T> T counted(Supplier<T> verification) {
        try {
          return verification.get();
        } catch (TokenRejectedException e) {
          rejected.accept(e.reason());
          throw e;
        }
      }
    };
  }
}
