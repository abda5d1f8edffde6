package io.propius.server.device;

/**
 * An open-addressing map from non-zero long keys to long values, with linear probing and
 * backward-shift deletion: two primitive arrays, no boxing, about 32 bytes per entry at the
 * load factor kept here. Not thread-safe.
 */
final class LongLongMap {
  static final long MISSING = Long.MIN_VALUE;

  private long[] keys;
  private long[] values;
  private int size;
  private int mask;

  LongLongMap(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[capacity];
    values = new long[capacity];
    mask = capacity - 1;
  }

  int size() {
    return size;
  }

  long get(long key) {
    for (int i = slot(key); ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == 0) {
        return MISSING;
      }
    }
  }

  void put(long key, long value) {
    if (key == 0) {
      throw new IllegalArgumentException("key 0 is reserved");
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    for (int i = slot(key); ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        values[i] = value;
        return;
      }
      if (k == 0) {
        keys[i] = key;
        values[i] = value;
        size++;
        return;
      }
    }
  }

  void remove(long key) {
    int i = slot(key);
    while (keys[i] != key) {
      if (keys[i] == 0) {
        return;
      }
      i = (i + 1) & mask;
    }
    // Backward-shift: move later entries of the probe run into the hole so lookups stay correct.
    int hole = i;
    for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
      int home = slot(keys[j]);
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    keys[hole] = 0;
    values[hole] = 0;
    size--;
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new long[oldKeys.length * 2];
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }

  /** Bytes held by the arrays. */
  long footprint() {
    return 16L * keys.length;
  }
}
