package io.propius.api.token;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;

/** A token that did not verify, with the {@link TokenRejection reason} for metrics beside the message. */
public final class TokenRejectedException extends PropiusException {
  private final TokenRejection reason;

  TokenRejectedException(TokenRejection reason, String message) {
    this(ErrorCode.UNAUTHENTICATED, reason, message);
  }

  TokenRejectedException(ErrorCode code, TokenRejection reason, String message) {
    super(code, message);
    this.reason = reason;
  }

  public TokenRejection reason() {
    return reason;
  }
}
