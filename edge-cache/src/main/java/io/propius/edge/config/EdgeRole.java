package io.propius.edge.config;

import java.util.Locale;

/** Where an edge node sits in the tree. */
public enum EdgeRole {
  /** Next to the jobs: rounds and plans are published here and the round aggregate lives here. */
  ROOT,
  /** An inner node: caches plans for its children and merges their partial aggregates. */
  PARENT,
  /** Next to the devices: serves plans from its cache and accepts device results. */
  LEAF;

  /** Parses {@code root}, {@code parent} or {@code leaf}, any case. */
  public static EdgeRole parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("edge role must be root, parent or leaf, got '" + text + "'");
    }
  }
}
