package io.propius.examples.fl.data;

/**
 * One device's own examples: indices into a data set all simulated devices share (so 300
 * devices do not hold 300 copies of the pixels).
 */
public record LocalData(Dataset data, int[] indices) {
  public int size() {
    return indices.length;
  }

  /** All of {@code data}, for data generated per device. */
  public static LocalData all(Dataset data) {
    int[] idx = new int[data.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    return new LocalData(data, idx);
  }
}
