package io.propius.edge.access;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded memory of answers that never change (who owns a job, whether a key may use a job),
 * least recently used out first. Thread-safe: a lookup may complete on another thread than the
 * caller's (a store or gRPC client's).
 */
final class RecentAnswers<K, V> {
  private final Map<K, V> answers;

  /** @param capacity how many answers to keep, at least 1 */
  RecentAnswers(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.answers = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized V get(K key) {
    return answers.get(key);
  }

  synchronized void put(K key, V value) {
    answers.put(key, value);
  }
}
