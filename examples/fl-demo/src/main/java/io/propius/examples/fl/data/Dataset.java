package io.propius.examples.fl.data;

/**
 * Labelled samples in one flat array ({@code n × dims} features, row-major).
 *
 * @param features row-major features
 * @param labels class of each sample, {@code 0 .. classes-1}
 */
public record Dataset(float[] features, int[] labels, int dims, int classes) {
  public int size() {
    return labels.length;
  }

  /** Offset of sample {@code i}'s first feature. */
  public int offset(int i) {
    return i * dims;
  }
}
