package io.propius.edge.upstream;

import io.propius.api.PropiusException;
import io.propius.api.tensor.TensorFormatException;
import io.propius.api.tensor.Tensors;
import java.util.Arrays;
import java.util.List;

/**
 * A child's partial aggregate for one round as it travels up: its cumulative reducer state, the
 * contributions and weight in it, and a version (the child's cumulative contributor count) that
 * only grows, so the parent keeps the newest and a repeated push changes nothing. It may also carry
 * the subtree's device uploads not yet acknowledged ({@link Upload}), so the root can tell the
 * control plane how long tasks took at the leaves too.
 */
public record PartialUpdate(String nodeId, long version, long contributors, double weight, double[] state,
                            List<Upload> uploads) {
  /** Longest node id a push may name; also the longest device id of an upload it carries. */
  public static final int MAX_NODE_ID = 128;
  /** Most uploads one push carries: the durations are a sample, the push must stay small. */
  public static final int MAX_UPLOADS = 1000;
  /** Most bytes of the uploads trailer ({@link #MAX_UPLOADS} entries of the longest device id). */
  public static final int MAX_UPLOADS_BYTES = MAX_UPLOADS * (MAX_NODE_ID + 96);
  /** How far in the future an upload time may be, for the clocks of two machines. */
  public static final long MAX_CLOCK_SKEW_MS = 60_000;

  /**
   * A device's first accepted upload for its task somewhere in the child's subtree.
   *
   * @param round   the round of the device's task
   * @param version the child's version in the first push that carried it: the parent passes it on
   *                only when that version is newer than the child's version it held, so a push
   *                repeated after a lost answer does not count it twice
   */
  public record Upload(String deviceId, int round, long atMs, long version) {
  }

  /** A partial without uploads (as journaled, or from a node whose devices uploaded nothing new). */
  public PartialUpdate(String nodeId, long version, long contributors, double weight, double[] state) {
    this(nodeId, version, contributors, weight, state, List.of());
  }

  /** The uploads trailer of a push body: a JSON array, empty bytes when there are none. */
  public byte[] encodeUploads() {
    if (uploads.isEmpty()) {
      return new byte[0];
    }
    return UploadsTrailer.write(uploads);
  }

  /** Without uploads: what the parent journals and keeps. */
  public PartialUpdate withoutUploads() {
    return uploads.isEmpty() ? this : new PartialUpdate(nodeId, version, contributors, weight, state);
  }

  /**
   * A push as it arrives: the {@code Propius-Node}, {@code -Version}, {@code -Contributors} and
   * {@code -Weight} headers' text and the body's tensor.
   *
   * @throws PropiusException INVALID_ARGUMENT naming what is wrong
   */
  public static PartialUpdate parse(String nodeId, String version, String contributors, String weight, byte[] body) {
    return parse(nodeId, version, contributors, weight, null, body, Long.MAX_VALUE - MAX_CLOCK_SKEW_MS);
  }

  /**
   * A push as it arrives, its body the tensor followed by {@code Propius-Uploads} bytes (when that
   * header is sent) of a JSON array of uploads: {@code device}, {@code round}, {@code at_ms},
   * {@code version}.
   *
   * @param uploadsBytes the {@code Propius-Uploads} header's text, or null when absent
   * @param nowMs        the receiver's clock: an upload may not be later (but for clock skew)
   * @throws PropiusException INVALID_ARGUMENT naming what is wrong
   */
  public static PartialUpdate parse(String nodeId, String version, String contributors, String weight,
                                    String uploadsBytes, byte[] body, long nowMs) {
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
    long trailer = uploadsBytes == null ? 0 : count("Propius-Uploads", uploadsBytes);
    if (trailer > Math.min(body.length, MAX_UPLOADS_BYTES)) {
      throw PropiusException.invalid("header Propius-Uploads says " + trailer + " bytes of uploads, the body has "
          + body.length + " bytes (at most " + MAX_UPLOADS_BYTES + " of uploads)");
    }
    int tensorEnd = body.length - (int) trailer;
    List<Upload> uploads = trailer == 0 ? List.of()
        : UploadsTrailer.read(body, tensorEnd, (int) trailer, v, c, nowMs);
    try {
      return new PartialUpdate(nodeId, v, c, w, Tensors.decode(Arrays.copyOf(body, tensorEnd)), uploads);
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

  static String shorten(String text) {
    return text.length() <= 32 ? text : text.substring(0, 32) + "...";
  }
}
