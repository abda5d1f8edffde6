package io.propius.server.device;

import io.propius.api.device.Attributes;
import io.propius.api.device.Offer;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small-batch mode's short-lived cache (paper §3.2): the devices whose check-in is waiting for an
 * assignment, oldest check-in first. Each entry carries the promise its long-poll answers with.
 * A device is in here at most once; a device leaves when it is assigned, when its wait ends, when
 * its connection drops, or when it checks in again. Confined to its client manager's event loop.
 */
final class HeldDevices {
  /** One waiting device; {@code until} moves on with every ping. */
  static final class Held {
    final String deviceId;
    final Attributes attributes;
    final Promise<List<Offer>> answer = Promise.promise();
    long until;

    Held(String deviceId, Attributes attributes, long until) {
      this.deviceId = deviceId;
      this.attributes = attributes;
      this.until = until;
    }
  }

  private final LinkedHashMap<String, Held> byDevice = new LinkedHashMap<>();

  int size() {
    return byDevice.size();
  }

  boolean contains(String deviceId) {
    return byDevice.containsKey(deviceId);
  }

  /** Holds the device at the back of the queue; returns the entry it replaces (still unanswered), or null. */
  Held hold(Held entry) {
    Held previous = byDevice.remove(entry.deviceId);
    byDevice.put(entry.deviceId, entry);
    return previous;
  }

  /** Extends a held device's wait; false when this instance does not hold it. */
  boolean ping(String deviceId, long until) {
    Held h = byDevice.get(deviceId);
    if (h == null) {
      return false;
    }
    h.until = Math.max(h.until, until);
    return true;
  }

  /** The device's entry; null when it is not held. */
  Held get(String deviceId) {
    return byDevice.get(deviceId);
  }

  /** Removes the device's entry; null when it is not held. */
  Held remove(String deviceId) {
    return byDevice.remove(deviceId);
  }

  /** Removes this very entry (not a newer one of the same device); whether it was held. */
  boolean remove(Held entry) {
    return byDevice.remove(entry.deviceId, entry);
  }

  /** Removes and returns the entries whose wait has ended. */
  List<Held> expire(long now) {
    List<Held> out = new ArrayList<>();
    for (Iterator<Held> it = byDevice.values().iterator(); it.hasNext(); ) {
      Held h = it.next();
      if (h.until <= now) {
        it.remove();
        out.add(h);
      }
    }
    return out;
  }

  /** Every held entry, oldest check-in first. */
  List<Held> all() {
    return new ArrayList<>(byDevice.values());
  }

  /** Up to n held devices' attributes, uniformly at random; all when there are no more than n. */
  List<Attributes> sample(int n, SplittableRandom random) {
    List<Attributes> all = new ArrayList<>(byDevice.size());
    byDevice.values().forEach(h -> all.add(h.attributes));
    if (all.size() <= n) {
      return all;
    }
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(all.size() - i);
      all.set(j, all.set(i, all.get(j)));
    }
    return all.subList(0, n);
  }
}
