package io.propius.server.device;

import io.propius.api.device.Attributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The devices one client manager instance saw recently (paper §3.2: soft state, only a sliding
 * window of clients). A ring of fixed-size slots in primitive arrays, oldest first: a device's
 * check-in appends a slot and kills its previous one; slots leave from the head when they are
 * older than the window or the ring is full. Per device it keeps a 64-bit hash of its id, the
 * check-in time and up to {@code stride} attributes as (short name id, float value), so a million
 * devices cost about 150 MB, not the gigabytes objects would. Confined to one event loop. Public
 * so that the memory benchmark ({@code bench/loadgen window-memory}) measures this very class.
 */
public final class SlidingWindow {
  /** Most distinct attribute names remembered; later ones are not kept in the window. */
  static final int MAX_NAMES = 4096;

  private final int capacity;
  private final long windowMs;
  private final int stride;
  private final Map<String, Short> nameIds = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private final LongLongMap index;

  private long[] ids;
  private long[] seenAt;
  private short[] keys;
  private float[] values;
  /** Ring position of the oldest slot, number of slots in use, sequence number of the oldest. */
  private int head;
  private int count;
  private long headSeq;

  /**
   * @param capacity most devices held; the oldest leave first beyond it
   * @param windowMs how long a check-in is remembered
   * @param stride   attributes kept per device
   */
  public SlidingWindow(int capacity, long windowMs, int stride) {
    this.capacity = capacity;
    this.windowMs = windowMs;
    this.stride = stride;
    int initial = Math.min(capacity, 1024);
    ids = new long[initial];
    seenAt = new long[initial];
    keys = new short[initial * stride];
    values = new float[initial * stride];
    index = new LongLongMap(initial);
  }

  /** Devices in the window. */
  public int size() {
    return index.size();
  }

  /** Records a check-in, replacing the device's earlier one. */
  public void record(String deviceId, Attributes attributes, long now) {
    expire(now);
    long id = hash(deviceId);
    long previous = index.get(id);
    if (previous != LongLongMap.MISSING) {
      ids[position(previous)] = 0;
    }
    if (count == ids.length) {
      if (ids.length < capacity) {
        grow();
      } else {
        popHead();
      }
    }
    int pos = (head + count) % ids.length;
    ids[pos] = id;
    seenAt[pos] = now;
    int base = pos * stride;
    int kept = 0;
    for (int i = 0; i < attributes.size() && kept < stride; i++) {
      short nameId = nameId(attributes.name(i));
      if (nameId >= 0) {
        keys[base + kept] = nameId;
        values[base + kept] = (float) attributes.value(i);
        kept++;
      }
    }
    for (int k = kept; k < stride; k++) {
      keys[base + k] = -1;
    }
    index.put(id, headSeq + count);
    count++;
  }

  /** Drops devices not seen within the window. */
  void expire(long now) {
    long oldest = now - windowMs;
    while (count > 0 && (ids[head] == 0 || seenAt[head] < oldest)) {
      popHead();
    }
  }

  /**
   * Up to {@code n} devices' attributes, uniformly at random; every device when there are no more
   * than {@code n}.
   */
  List<Attributes> sample(int n, SplittableRandom random, long now) {
    expire(now);
    List<Attributes> sample = new ArrayList<>(Math.min(n, size()));
    if (size() <= n) {
      for (int i = 0; i < count; i++) {
        int pos = (head + i) % ids.length;
        if (ids[pos] != 0) {
          sample.add(attributesAt(pos));
        }
      }
      return sample;
    }
    for (int tries = 0; sample.size() < n && tries < 8 * n; tries++) {
      int pos = (head + random.nextInt(count)) % ids.length;
      if (ids[pos] != 0) {
        sample.add(attributesAt(pos));
      }
    }
    return sample;
  }

  /** Bytes held by the window's arrays (what a million devices cost). */
  public long footprint() {
    return 16L * ids.length + 6L * keys.length + index.footprint();
  }

  private Attributes attributesAt(int pos) {
    Map<String, Double> map = new LinkedHashMap<>();
    int base = pos * stride;
    for (int k = 0; k < stride && keys[base + k] >= 0; k++) {
      map.put(names.get(keys[base + k]), (double) values[base + k]);
    }
    return Attributes.of(map);
  }

  private short nameId(String name) {
    Short id = nameIds.get(name);
    if (id != null) {
      return id;
    }
    if (names.size() >= MAX_NAMES) {
      return -1;
    }
    short next = (short) names.size();
    nameIds.put(name, next);
    names.add(name);
    return next;
  }

  private int position(long seq) {
    return (int) ((head + (seq - headSeq)) % ids.length);
  }

  private void popHead() {
    long id = ids[head];
    if (id != 0 && index.get(id) == headSeq) {
      index.remove(id);
    }
    ids[head] = 0;
    head = (head + 1) % ids.length;
    headSeq++;
    count--;
  }

  /** Doubles the ring (up to capacity), laying the slots out from position 0 again. */
  private void grow() {
    int size = (int) Math.min(capacity, 2L * ids.length);
    long[] newIds = new long[size];
    long[] newSeen = new long[size];
    short[] newKeys = new short[size * stride];
    float[] newValues = new float[size * stride];
    for (int i = 0; i < count; i++) {
      int pos = (head + i) % ids.length;
      newIds[i] = ids[pos];
      newSeen[i] = seenAt[pos];
      System.arraycopy(keys, pos * stride, newKeys, i * stride, stride);
      System.arraycopy(values, pos * stride, newValues, i * stride, stride);
    }
    ids = newIds;
    seenAt = newSeen;
    keys = newKeys;
    values = newValues;
    head = 0;
  }

  /** A 64-bit hash of the device id, never 0 (0 marks a dead slot). */
  static long hash(String deviceId) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < deviceId.length(); i++) {
      h = (h ^ deviceId.charAt(i)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }
}
