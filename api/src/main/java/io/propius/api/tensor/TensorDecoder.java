package io.propius.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * Decodes one tensor from chunks as they arrive (an HTTP body, a file read), without keeping the
 * raw bytes: values go straight into a {@code double[]}. A value split across two chunks is
 * carried over in a few bytes of scratch. Not thread-safe; one decoder per tensor.
 *
 * <p>The header's element count is only a claim. Without a count check that vouches for it, the
 * decoder allocates as the body proves it (room for the values received so far, doubling), so a
 * 12-byte header claiming 4 G elements costs nothing; with one, it allocates the whole array at once.
 *
 * <p>A decoder made by {@link #keepingFloat32} does not widen float32 values: it copies them as
 * they are into a {@code float[]} ({@link #float32()}), to be widened once, where they are folded.
 * That spares a large tensor a {@code double[]} twice its size and the pass that fills it.
 */
public final class TensorDecoder {
  /** Per-thread room for one bulk copy of float32 bits; only used within one {@code feed} call. */
  private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[2048]);
  /** Values room allocated before any of them arrived, when no count check vouches for the count. */
  static final int UNPROVEN_ELEMENTS = 4096;
  private final LongFunction<TensorFormatException> countCheck;
  private final boolean vouched;
  private final IntFunction<double[]> arrays;
  private final IntFunction<float[]> floatArrays;
  private float[] floats;
  private final ByteBuffer carry = ByteBuffer.allocate(TensorHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private TensorHeader header;
  private double[] values;
  private int next;
  private long received;
  private int firstNonFinite = -1;
  private double nonFiniteValue;

  /** A decoder that accepts any element count. */
  public TensorDecoder() {
    this(count -> null, double[]::new, false);
  }

  /**
   * @param countCheck called with the element count as soon as the header is read; a non-null
   *                   exception it returns is thrown from {@link #feed}, before any value is stored
   *                   (so a wrong-sized upload is refused without allocating for it)
   */
  public TensorDecoder(LongFunction<TensorFormatException> countCheck) {
    this(countCheck, double[]::new);
  }

  /**
   * @param arrays gives the array the values are decoded into, of the length asked; it may be a
   *               reused one (every element is overwritten), which spares a busy server a large
   *               allocation per tensor
   */
  public TensorDecoder(LongFunction<TensorFormatException> countCheck, IntFunction<double[]> arrays) {
    this(countCheck, arrays, true, null);
  }

  private TensorDecoder(LongFunction<TensorFormatException> countCheck, IntFunction<double[]> arrays,
                        boolean vouched) {
    this(countCheck, arrays, vouched, null);
  }

  private TensorDecoder(LongFunction<TensorFormatException> countCheck, IntFunction<double[]> arrays,
                        boolean vouched, IntFunction<float[]> floatArrays) {
    this.countCheck = countCheck;
    this.arrays = arrays;
    this.vouched = vouched;
    this.floatArrays = floatArrays;
  }

  /**
   * A decoder that keeps a float32 tensor's values as floats (see {@link #float32()}), in an array
   * from {@code floatArrays} (which may be a reused one: every element is overwritten); a float64
   * tensor is decoded into {@code arrays} as by {@link #TensorDecoder(LongFunction, IntFunction)}.
   */
  public static TensorDecoder keepingFloat32(LongFunction<TensorFormatException> countCheck,
                                             IntFunction<double[]> arrays, IntFunction<float[]> floatArrays) {
    return new TensorDecoder(countCheck, arrays, true, floatArrays);
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
      int count = (int) header.count();
      if (floatArrays != null && header.dtype() == DType.FLOAT32) {
        floats = floatArrays.apply(count);
      } else {
        values = vouched || count <= UNPROVEN_ELEMENTS ? arrays.apply(count) : new double[UNPROVEN_ELEMENTS];
      }
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
    if (next == header.count() && in.hasRemaining()) {
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
   * Decodes every whole value left in the chunk at once: a bulk copy (one call, a memory copy on a
   * little-endian machine) into scratch, then plain array loops. Per-value {@code FloatBuffer.get}
   * calls were the upload path's top cost: their call site sees several buffer classes, so the JIT
   * cannot inline them.
   *
   * <p>Float32 values are copied as their raw bits, and non-finite ones are noted on those ints,
   * branch-free: a value whose exponent bits are all set (NaN or infinite) carries into the sign
   * bit of the OR-ed sum. A loop of integer operations only is one the JIT vectorizes; the same
   * test on {@code float}s was three times slower.
   */
  private void bulk(ByteBuffer in, int width) {
    int n = (int) Math.min(in.remaining() / width, header.count() - next);
    if (floats != null) {
      checkBits(in.asIntBuffer(), n);
      in.asFloatBuffer().get(floats, next, n);
    } else if (header.dtype() == DType.FLOAT32) {
      room(next + n);
      IntBuffer bits = in.asIntBuffer();
      int[] scratch = SCRATCH.get();
      int special = 0;
      for (int done = 0; done < n; done += scratch.length) {
        int m = Math.min(scratch.length, n - done);
        bits.get(scratch, 0, m);
        special |= specialBits(scratch, m);
        int base = next + done;
        for (int i = 0; i < m; i++) {
          values[base + i] = Float.intBitsToFloat(scratch[i]);
        }
      }
      if (special < 0) {
        noteNonFinite(n);
      }
    } else {
      room(next + n);
      in.asDoubleBuffer().get(values, next, n);
      long special = 0;
      for (int i = next; i < next + n; i++) {
        special |= (Double.doubleToRawLongBits(values[i]) & 0x7ff0000000000000L) + 0x0010000000000000L;
      }
      if (special < 0) {
        noteNonFinite(n);
      }
    }
    next += n;
    in.position(in.position() + n * width);
  }

  /** The non-finite check of {@link #bulk} alone, for float32 values kept as floats. */
  private void checkBits(IntBuffer bits, int n) {
    int[] scratch = SCRATCH.get();
    for (int done = 0; done < n; done += scratch.length) {
      int m = Math.min(scratch.length, n - done);
      bits.get(scratch, 0, m);
      boolean special = specialBits(scratch, m) < 0;
      for (int i = 0; special && firstNonFinite < 0 && i < m; i++) {
        nonFinite(next + done + i, Float.intBitsToFloat(scratch[i]));
      }
    }
  }

  /** Negative when one of the first {@code m} float32 bit patterns is NaN or infinite (see {@link #bulk}). */
  private static int specialBits(int[] bits, int m) {
    int special = 0;
    for (int i = 0; i < m; i++) {
      special |= (bits[i] & 0x7f800000) + 0x00800000;
    }
    return special;
  }

  private void noteNonFinite(int n) {
    for (int i = next; i < next + n && firstNonFinite < 0; i++) {
      nonFinite(i, values[i]);
    }
  }

  /** Notes {@code v} at {@code index} if it is the first non-finite value. */
  private void nonFinite(int index, double v) {
    if (!Double.isFinite(v) && firstNonFinite < 0) {
      firstNonFinite = index;
      nonFiniteValue = v;
    }
  }

  /** Grows the values array to hold {@code needed} values: doubling, never beyond the count. */
  private void room(int needed) {
    if (needed > values.length) {
      int size = (int) Math.min(header.count(), Math.max(needed, 2L * values.length));
      values = size == header.count() ? copyInto(arrays.apply(size)) : Arrays.copyOf(values, size);
    }
  }

  private double[] copyInto(double[] target) {
    System.arraycopy(values, 0, target, 0, next);
    return target;
  }

  private void put(ByteBuffer in) {
    if (next == header.count()) {
      throw new TensorFormatException("tensor has more bytes than its header's " + header.count() + " elements");
    }
    double v = header.dtype() == DType.FLOAT32 ? in.getFloat() : in.getDouble();
    nonFinite(next, v);
    if (floats != null) {
      floats[next] = (float) v;
    } else {
      room(next + 1);
      values[next] = v;
    }
    next++;
  }

  /** Index of the first NaN or infinite value decoded so far, or -1. */
  public int firstNonFinite() {
    return firstNonFinite;
  }

  /** The value at {@link #firstNonFinite()} (NaN or infinite); meaningless when there is none. */
  public double nonFiniteValue() {
    return nonFiniteValue;
  }

  /**
   * The values of a float32 tensor fed to a {@link #keepingFloat32} decoder; null for any other
   * tensor (whose values {@link #finish} returns).
   *
   * @throws TensorFormatException when the tensor is incomplete
   */
  public float[] float32() {
    complete();
    return floats;
  }

  /**
   * @return the decoded values; null for a float32 tensor fed to a {@link #keepingFloat32} decoder
   * @throws TensorFormatException when the tensor is incomplete
   */
  public double[] finish() {
    complete();
    return values;
  }

  private void complete() {
    if (header == null) {
      throw new TensorFormatException("tensor is " + received + " bytes, shorter than its " + TensorHeader.BYTES
          + "-byte header");
    }
    if (next < header.count() || carry.position() > 0) {
      throw new TensorFormatException("tensor is truncated: header says " + header.count() + " elements ("
          + header.totalBytes() + " bytes), received " + received + " bytes");
    }
  }
}
