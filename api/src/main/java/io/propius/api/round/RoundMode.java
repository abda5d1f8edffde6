package io.propius.api.round;

import io.propius.api.PropiusException;
import java.util.Locale;

/** How a round decides which uploads count (see the update strategies of FL systems). */
public enum RoundMode {
  /** Synchronous: aggregate what arrived by the deadline; later uploads are refused. */
  SYNC,
  /** Over-selection: devices are over-selected by {@code over_selection}; the round closes at {@code target}. */
  OVERSELECT,
  /** Buffered asynchronous: an upload trained on base round r counts while {@code round - r <= staleness}. */
  ASYNC;

  /** The name on the wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws PropiusException INVALID_ARGUMENT for an unknown name
   */
  public static RoundMode parse(String text) {
    for (RoundMode m : values()) {
      if (m.wireName().equals(text)) {
        return m;
      }
    }
    throw PropiusException.invalid("mode must be sync, overselect or async, got '" + text + "'");
  }
}
