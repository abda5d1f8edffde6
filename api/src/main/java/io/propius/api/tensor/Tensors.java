package io.propius.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Whole-tensor encoding and decoding, for tensors that fit in memory anyway. */
public final class Tensors {
  private Tensors() {
  }

  /** Encodes values in the given dtype (float32 rounds each value to the nearest float). */
  public static byte[] encode(double[] values, DType dtype) {
    TensorHeader header = new TensorHeader(dtype, values.length);
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(header.totalBytes())).order(ByteOrder.LITTLE_ENDIAN);
    header.write(out);
    if (dtype == DType.FLOAT32) {
      for (double v : values) {
        out.putFloat((float) v);
      }
    } else {
      // One bulk copy (no byte swapping on a little-endian machine) instead of a put per value.
      out.asDoubleBuffer().put(values);
    }
    return out.array();
  }

  /** Encodes float32 values exactly. */
  public static byte[] encode(float[] values) {
    TensorHeader header = new TensorHeader(DType.FLOAT32, values.length);
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(header.totalBytes())).order(ByteOrder.LITTLE_ENDIAN);
    header.write(out);
    for (float v : values) {
      out.putFloat(v);
    }
    return out.array();
  }

  /**
   * Decodes a whole tensor to doubles.
   *
   * @throws TensorFormatException for a bad header or a length that does not match the count
   */
  public static double[] decode(byte[] bytes) {
    // The whole tensor is here, so its length vouches for the header's count before anything is allocated.
    TensorHeader header = TensorHeader.read(ByteBuffer.wrap(bytes));
    if (header.totalBytes() < bytes.length) {
      throw new TensorFormatException("tensor has more bytes (" + bytes.length + ") than its header's " + header.count()
          + " elements (" + header.totalBytes() + " bytes)");
    }
    if (header.totalBytes() > bytes.length) {
      throw new TensorFormatException("tensor is truncated: header says " + header.count() + " elements ("
          + header.totalBytes() + " bytes), received " + bytes.length + " bytes");
    }
    TensorDecoder decoder = new TensorDecoder(count -> null);
    decoder.feed(ByteBuffer.wrap(bytes));
    return decoder.finish();
  }
}
