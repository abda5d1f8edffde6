package io.propius.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A float32 tensor's values as the little-endian chunks they arrived in, kept instead of decoded:
 * read (with one bulk copy per run into a small scratch array that stays in the cache) only when
 * they are folded. A value may straddle two chunks.
 */
final class Float32Chunks implements FloatSlices {
  private static final int RUN = 2048;
  /** Per-thread scratch for one run; only used within one {@link #forEach} call. */
  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[RUN]);
  private final List<ByteBuffer> chunks = new ArrayList<>();
  private final int length;

  Float32Chunks(int length) {
    this.length = length;
  }

  /** Keeps the chunk's remaining bytes (not copied: the chunk must not change afterwards). */
  void keep(ByteBuffer chunk) {
    if (chunk.hasRemaining()) {
      chunks.add(chunk.slice().order(ByteOrder.LITTLE_ENDIAN));
    }
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public void forEach(Slice slice) {
    float[] run = SCRATCH.get();
    ByteBuffer straddling = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    int offset = 0;
    for (ByteBuffer chunk : chunks) {
      ByteBuffer in = chunk.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      if (straddling.position() > 0) {
        while (straddling.hasRemaining() && in.hasRemaining()) {
          straddling.put(in.get());
        }
        if (straddling.hasRemaining()) {
          continue;
        }
        run[0] = straddling.flip().getFloat();
        straddling.clear();
        slice.accept(offset++, run, 1);
      }
      var floats = in.asFloatBuffer();
      for (int n; (n = Math.min(RUN, floats.remaining())) > 0; offset += n) {
        floats.get(run, 0, n);
        slice.accept(offset, run, n);
      }
      in.position(in.position() + floats.position() * Float.BYTES);
      straddling.put(in);
    }
  }
}
