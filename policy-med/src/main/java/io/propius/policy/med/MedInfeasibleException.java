package io.propius.policy.med;

/**
 * No allocation meets the MED constraints, or none was found within the solver's time limit; the
 * message says which constraints cannot be met together, {@link #proven()} whether that is proven.
 */
public final class MedInfeasibleException extends RuntimeException {
  private final boolean proven;

  public MedInfeasibleException(String message, boolean proven) {
    super(message);
    this.proven = proven;
  }

  /** False when the solver only ran out of time before finding an allocation. */
  public boolean proven() {
    return proven;
  }
}
