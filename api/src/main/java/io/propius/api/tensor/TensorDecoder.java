package io.propius.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.LongFunction;

/**
 * Decodes one tensor from chunks as they arrive (an HTTP body, a file read), without keeping the
 * raw bytes: values go straight into a {@code double[]}. A value split across two chunks is
 * carried over in a few bytes of scratch. Not thread-safe; one decoder per tensor.
 */
public final class TensorDecoder {
  private final LongFunction<TensorFormatException> countCheck;
  private final ByteBuffer carry = ByteBuffer.allocate(TensorHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private TensorHeader header;
  private double[] values;
  private int next;
  private long received;

  /** A decoder that accepts any element count. */
  public TensorDecoder() {
    this(count -> null);
  }

  /**
   * @param countCheck called with the element count as soon as the header is read; a non-null
   *                   exception it returns is thrown from {@link #feed}, before any value is stored
   *                   (so a wrong-sized upload is refused without allocating for it)
   */
  public TensorDecoder(LongFunction<TensorFormatException> countCheck) {
    this.countCheck = countCheck;
  }

  /** The header, or null until its 12 bytes have arrived. */
  public TensorHeader header() {
    return header;
  }

  /** Bytes fed so far. */
  public long received() {
    return received;
  }

  /**
   * Consumes all remaining bytes of the chunk.
   *
   * @throws TensorFormatException for a bad header, a rejected count, or bytes beyond the tensor
   */
  public void feed(ByteBuffer chunk) {
    ByteBuffer in = chunk.slice().order(ByteOrder.LITTLE_ENDIAN);
    received += in.remaining();
    if (header == null) {
      take(in, TensorHeader.BYTES);
      if (carry.position() < TensorHeader.BYTES) {
        return;
      }
      carry.flip();
      header = TensorHeader.read(carry);
      carry.clear();
      TensorFormatException rejected = countCheck.apply(header.count());
      if (rejected != null) {
        throw rejected;
      }
      if (header.totalBytes() > Integer.MAX_VALUE) {
        throw new TensorFormatException("tensor of " + header.count() + " elements is too large to decode");
      }
      values = new double[(int) header.count()];
    }
    int width = header.dtype().bytes();
    if (carry.position() > 0) {
      take(in, width);
      if (carry.position() < width) {
        return;
      }
      carry.flip();
      put(carry);
      carry.clear();
    }
    bulk(in, width);
    if (next == values.length && in.hasRemaining()) {
      throw new TensorFormatException("tensor has more bytes than its header's " + header.count() + " "
          + header.dtype().name().toLowerCase() + " elements");
    }
    carry.put(in);
  }

  private void take(ByteBuffer in, int upTo) {
    int n = Math.min(upTo - carry.position(), in.remaining());
    ByteBuffer part = in.slice();
    part.limit(n);
    carry.put(part);
    in.position(in.position() + n);
  }

  /**
   * Decodes every whole value left in the chunk at once through a typed view: per-value
   * {@code getFloat} calls with a bounds and dtype check each were the upload path's top cost.
   */
  private void bulk(ByteBuffer in, int width) {
    int n = Math.min(in.remaining() / width, values.length - next);
    if (header.dtype() == DType.FLOAT32) {
      FloatBuffer floats = in.asFloatBuffer();
      for (int i = 0; i < n; i++) {
        values[next + i] = floats.get(i);
      }
    } else {
      in.asDoubleBuffer().get(values, next, n);
    }
    next += n;
    in.position(in.position() + n * width);
  }

  private void put(ByteBuffer in) {
    if (next == values.length) {
      throw new TensorFormatException("tensor has more bytes than its header's " + header.count() + " elements");
    }
    values[next++] = header.dtype() == DType.FLOAT32 ? in.getFloat() : in.getDouble();
  }

  /**
   * @return the decoded values
   * @throws TensorFormatException when the tensor is incomplete
   */
  public double[] finish() {
    if (header == null) {
      throw new TensorFormatException("tensor is " + received + " bytes, shorter than its " + TensorHeader.BYTES
          + "-byte header");
    }
    if (next < values.length || carry.position() > 0) {
      throw new TensorFormatException("tensor is truncated: header says " + header.count() + " elements ("
          + header.totalBytes() + " bytes), received " + received + " bytes");
    }
    return values;
  }
}
