package io.propius.api.tensor;

/**
 * A tensor's float32 values handed over in consecutive slices, so a consumer can fold them where
 * they are (an upload's body as it was received) without widening the whole tensor into a
 * {@code double[]} first.
 */
public interface FloatSlices {
  /** How many values there are. */
  int length();

  /** Calls {@code slice} with every value once, in order, in runs of at most a few thousand. */
  void forEach(Slice slice);

  /** One run of values. */
  @FunctionalInterface
  interface Slice {
    /**
     * @param offset index of {@code values[0]} in the tensor
     * @param values the run, from index 0; only valid during the call
     * @param count  how many values of {@code values} belong to the run
     */
    void accept(int offset, float[] values, int count);
  }
}
