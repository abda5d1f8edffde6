package io.propius.client.dataplane;

/** How the data plane closes a round (docs/DATA-PLANE-API.md). */
public enum RoundMode {
  /** Aggregate what arrived by the deadline. */
  SYNC("sync"),
  /** Close at {@code target} of {@code target + over_selection} contributions (backup workers). */
  OVERSELECT("overselect"),
  /** Buffered asynchronous: uploads for an older base round count within the staleness bound. */
  ASYNC("async");

  private final String wire;

  RoundMode(String wire) {
    this.wire = wire;
  }

  /** The name on the wire. */
  public String wire() {
    return wire;
  }

  /** @throws IllegalArgumentException for an unknown name */
  public static RoundMode fromWire(String wire) {
    for (RoundMode m : values()) {
      if (m.wire.equals(wire)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown round mode '" + wire + "'");
  }
}
