package io.propius.server.device;

/**
 * An open-addressing map from non-zero long keys to long values, with linear probing and
 * backward-shift deletion: one primitive array of (key, value) pairs, no boxing, about 32 bytes per
 * entry at the load factor kept here. A key and its value share a cache line and a page, so a
 * lookup in a map larger than the caches (a check-in's window) misses once, not once per array.
 * Not thread-safe.
 */
final class LongLongMap {
  static final long MISSING = Long.MIN_VALUE;

  /** Key of slot i at 2i (0: empty), its value at 2i + 1. */
  private long[] entries;
  private int size;
  private int mask;

  LongLongMap(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    entries = new long[2 * capacity];
    mask = capacity - 1;
  }

  int size() {
    return size;
  }

  long get(long key) {
    for (int i = slot(key); ; i = (i + 1) & mask) {
      long k = entries[2 * i];
      if (k == key) {
        return entries[2 * i + 1];
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
    if ((size + 1) * 2 > mask + 1) {
      grow();
    }
    for (int i = slot(key); ; i = (i + 1) & mask) {
      long k = entries[2 * i];
      if (k == key) {
        entries[2 * i + 1] = value;
        return;
      }
      if (k == 0) {
        entries[2 * i] = key;
        entries[2 * i + 1] = value;
        size++;
        return;
      }
    }
  }

  void remove(long key) {
    int i = slot(key);
    while (entries[2 * i] != key) {
      if (entries[2 * i] == 0) {
        return;
      }
      i = (i + 1) & mask;
    }
    // Backward-shift: move later entries of the probe run into the hole so lookups stay correct.
    int hole = i;
    for (int j = (i + 1) & mask; entries[2 * j] != 0; j = (j + 1) & mask) {
      int home = slot(entries[2 * j]);
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        entries[2 * hole] = entries[2 * j];
        entries[2 * hole + 1] = entries[2 * j + 1];
        hole = j;
      }
    }
    entries[2 * hole] = 0;
    entries[2 * hole + 1] = 0;
    size--;
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] old = entries;
    entries = new long[old.length * 2];
    mask = entries.length / 2 - 1;
    size = 0;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != 0) {
        put(old[i], old[i + 1]);
      }
    }
  }

  /** Bytes held by the array. */
  long footprint() {
    return 8L * entries.length;
  }
}
