package io.propius.api.token;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;

/** A token signed with a key that was retired: UNAUTHENTICATED whatever the token's kind. */
final class RetiredKeyException extends PropiusException {
  RetiredKeyException(String what, String kid) {
    super(ErrorCode.UNAUTHENTICATED, what + " was signed with key '" + kid + "', which is retired; get a new one");
  }
}
