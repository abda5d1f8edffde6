package io.propius.api.tensor;

/** Bytes that are not a tensor in the Propius wire format; the message says what is wrong. */
public final class TensorFormatException extends RuntimeException {
  public TensorFormatException(String message) {
    super(message, null, false, false);
  }
}
