package io.propius.policy.portal;

import io.propius.api.query.Query;
import java.util.LinkedHashMap;
import java.util.Map;

/** Policies ask the same few queries every run; parse each once. Not thread-safe. */
final class QueryCache {
  private static final int CAPACITY = 256;

  private final Map<String, Query> parsed = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Query> eldest) {
      return size() > CAPACITY;
    }
  };

  Query get(String text) {
    Query q = parsed.get(text);
    if (q == null) {
      q = Query.parse(text);
      parsed.put(text, q);
    }
    return q;
  }
}
