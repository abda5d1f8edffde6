package io.propius.bench.sim.engine;

import java.util.Arrays;

/** A growable list of ints without boxing. */
public final class IntList {
  private int[] items = new int[16];
  private int size;

  public void add(int v) {
    if (size == items.length) {
      items = Arrays.copyOf(items, size * 2);
    }
    items[size++] = v;
  }

  public int get(int i) {
    return items[i];
  }

  public int size() {
    return size;
  }

  public void clear() {
    size = 0;
  }
}
