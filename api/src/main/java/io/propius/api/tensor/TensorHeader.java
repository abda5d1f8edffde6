package io.propius.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 12-byte header of a tensor: magic {@code PTN1}, dtype byte, three reserved zero bytes, and
 * the element count as an unsigned little-endian 32-bit integer.
 */
public record TensorHeader(DType dtype, long count) {
  /** Header length in bytes. */
  public static final int BYTES = 12;
  private static final byte[] MAGIC = "PTN1".getBytes(StandardCharsets.US_ASCII);
  /** Largest element count the format can carry. */
  public static final long MAX_COUNT = 0xFFFF_FFFFL;

  public TensorHeader {
    if (count < 0 || count > MAX_COUNT) {
      throw new IllegalArgumentException("element count " + count + " does not fit in 32 unsigned bits");
    }
  }

  /** Bytes of the whole tensor, header included. */
  public long totalBytes() {
    return BYTES + count * dtype.bytes();
  }

  /** Writes the header at the buffer's position (any byte order; the header is little-endian). */
  public void write(ByteBuffer out) {
    ByteOrder order = out.order();
    out.order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) dtype.code()).put((byte) 0).put((byte) 0).put((byte) 0).putInt((int) count);
    out.order(order);
  }

  /**
   * Reads a header from the first {@link #BYTES} bytes at the buffer's position.
   *
   * @throws TensorFormatException when the magic, dtype or reserved bytes are wrong
   */
  public static TensorHeader read(ByteBuffer in) {
    if (in.remaining() < BYTES) {
      throw new TensorFormatException("tensor is " + in.remaining() + " bytes, shorter than its " + BYTES
          + "-byte header");
    }
    for (byte b : MAGIC) {
      if (in.get() != b) {
        throw new TensorFormatException("tensor does not start with magic 'PTN1'");
      }
    }
    DType dtype = DType.of(in.get() & 0xFF);
    if (in.get() != 0 || in.get() != 0 || in.get() != 0) {
      throw new TensorFormatException("tensor header reserved bytes 5..7 must be zero");
    }
    ByteOrder order = in.order();
    in.order(ByteOrder.LITTLE_ENDIAN);
    long count = Integer.toUnsignedLong(in.getInt());
    in.order(order);
    return new TensorHeader(dtype, count);
  }
}
