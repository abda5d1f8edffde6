package io.propius.edge.aggregate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The dedupe keys counted in one round, in the order they were counted, kept encoded as a journal
 * record holds them: each one a big-endian length and its UTF-8 bytes. A compaction snapshot copies
 * these bytes as they are. Encoding every key the round had seen again for every snapshot was most
 * of a busy leaf's compaction CPU: at ten thousand uploads a second the log passes the threshold
 * about once a second, and a snapshot then encoded half a million keys one character at a time.
 *
 * <p>Appended to on the node's event loop only. A {@link View} taken there may be read on any
 * thread while appends go on: bytes already in a view are never written again.
 */
public final class CountedKeys {
  /** A chunk's largest size; the first chunks are smaller, so a round of few keys stays small. */
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final int FIRST_CHUNK_BYTES = 256;
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  /** Full chunks: neither their bytes nor their length change again. */
  private final List<Chunk> sealed = new ArrayList<>();
  private byte[] open;
  private int openUsed;
  private int count;
  private long bytes;

  /** Encoded keys: {@code used} bytes of {@code bytes}, whole records only. */
  private record Chunk(byte[] bytes, int used) {
  }

  /** The keys counted when it was taken, as encoded. */
  public static final class View {
    private final List<Chunk> chunks;
    private final int count;
    private final long bytes;

    private View(List<Chunk> chunks, int count, long bytes) {
      this.chunks = chunks;
      this.count = count;
      this.bytes = bytes;
    }

    /** How many keys. */
    public int count() {
      return count;
    }

    /** Their encoded size: a length and the UTF-8 bytes of each. */
    long bytes() {
      return bytes;
    }

    /** The encoded keys, in the order counted: whole records in each buffer, each buffer new. */
    List<ByteBuffer> chunks() {
      return chunks.stream().map(c -> ByteBuffer.wrap(c.bytes(), 0, c.used())).toList();
    }

    /** Every key, decoded, in the order counted. */
    public void forEach(Consumer<String> key) {
      for (Chunk c : chunks) {
        for (int at = 0; at < c.used(); ) {
          int length = (int) INT.get(c.bytes(), at);
          key.accept(new String(c.bytes(), at + 4, length, StandardCharsets.UTF_8));
          at += 4 + length;
        }
      }
    }
  }

  /**
   * Notes a key as counted. Encoded as {@code ByteBuf.writeCharSequence} would: an unpaired
   * surrogate becomes {@code '?'}.
   */
  public void add(String key) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    int need = 4 + utf8.length;
    if (open == null || openUsed + need > open.length) {
      int size = open == null ? FIRST_CHUNK_BYTES : Math.min(CHUNK_BYTES, 2 * open.length);
      if (open != null && openUsed > 0) {
        sealed.add(new Chunk(open, openUsed));
      }
      open = new byte[Math.max(size, need)];
      openUsed = 0;
    }
    INT.set(open, openUsed, utf8.length);
    System.arraycopy(utf8, 0, open, openUsed + 4, utf8.length);
    openUsed += need;
    count++;
    bytes += need;
  }

  /** The keys counted so far; later {@link #add}s do not change it. */
  public View view() {
    List<Chunk> chunks = new ArrayList<>(sealed.size() + 1);
    chunks.addAll(sealed);
    if (openUsed > 0) {
      chunks.add(new Chunk(open, openUsed));
    }
    return new View(chunks, count, bytes);
  }
}
