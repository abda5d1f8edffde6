package io.propius.policy.med;

/** No allocation meets the MED constraints; the message says which ones cannot be met together. */
public final class MedInfeasibleException extends RuntimeException {
  public MedInfeasibleException(String message) {
    super(message);
  }
}
