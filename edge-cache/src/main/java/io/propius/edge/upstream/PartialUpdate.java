package io.propius.edge.upstream;

import io.propius.api.PropiusException;
import io.propius.api.tensor.TensorFormatException;
import io.propius.api.tensor.Tensors;

/**
 * A child's partial aggregate for one round as it travels up: its cumulative reducer state, the
 * contributions and weight in it, and a version (the child's cumulative contributor count) that
 * only grows, so the parent keeps the newest and a repeated push changes nothing.
 */
public record PartialUpdate(String nodeId, long version, long contributors, double weight, double[] state) {
  /** Longest node id a push may name. */
  public static final int MAX_NODE_ID = 128;

  /**
   * A push as it arrives: the {@code Propius-Node}, {@code -Version}, {@code -Contributors} and
   * {@code -Weight} headers' text and the body's tensor.
   *
   * @throws PropiusException INVALID_ARGUMENT naming what is wrong
   */
  public static PartialUpdate parse(String nodeId, String version, String contributors, String weight, byte[] body) {
    if (nodeId.isEmpty() || nodeId.length() > MAX_NODE_ID) {
      throw PropiusException.invalid("header Propius-Node must have 1 to " + MAX_NODE_ID + " characters");
    }
    long v = count("Propius-Version", version);
    long c = count("Propius-Contributors", contributors);
    double w;
    try {
      w = Double.parseDouble(weight);
    } catch (NumberFormatException e) {
      throw PropiusException.invalid("header Propius-Weight must be a number, got '" + shorten(weight) + "'");
    }
    if (!Double.isFinite(w) || w < 0) {
      throw PropiusException.invalid("header Propius-Weight must be a finite number >= 0, got " + w);
    }
    try {
      return new PartialUpdate(nodeId, v, c, w, Tensors.decode(body));
    } catch (TensorFormatException e) {
      throw PropiusException.invalid("partial state: " + e.getMessage());
    }
  }

  private static long count(String header, String text) {
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw PropiusException.invalid("header " + header + " must be a whole number, got '" + shorten(text) + "'");
    }
    if (value < 0) {
      throw PropiusException.invalid("header " + header + " must be >= 0, got " + value);
    }
    return value;
  }

  private static String shorten(String text) {
    return text.length() <= 32 ? text : text.substring(0, 32) + "...";
  }
}
