package io.propius.examples.fl.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files of MNIST-style data sets (optionally gzip-compressed): a big-endian header
 * (two zero bytes, the element type {@code 0x08} = unsigned byte, the number of dimensions, each
 * dimension's size), then the elements.
 */
public final class IdxReader {
  private static final int UNSIGNED_BYTE = 0x08;

  private IdxReader() {
  }

  /**
   * An IDX array of unsigned bytes.
   *
   * @param shape size of each dimension, the first being the number of items
   * @param values every element, row-major, as stored (read with {@code & 0xff})
   */
  public record IdxArray(int[] shape, byte[] values) {
    public int items() {
      return shape[0];
    }

    /** Elements per item: 1 for labels, rows × columns for images. */
    public int itemSize() {
      int n = 1;
      for (int d = 1; d < shape.length; d++) {
        n *= shape[d];
      }
      return n;
    }
  }

  /**
   * Reads a whole IDX file; a name ending in {@code .gz} is decompressed.
   *
   * @throws IOException when the file is missing, truncated or not an unsigned-byte IDX array
   */
  public static IdxArray read(Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
         DataInputStream in = new DataInputStream(file.toString().endsWith(".gz")
             ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw)) {
      int magic = in.readInt();
      int type = (magic >>> 8) & 0xff;
      int dims = magic & 0xff;
      if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dims < 1 || dims > 4) {
        throw new IOException(file + " is not an unsigned-byte IDX file (magic 0x" + Integer.toHexString(magic) + ")");
      }
      int[] shape = new int[dims];
      long total = 1;
      for (int d = 0; d < dims; d++) {
        shape[d] = in.readInt();
        total *= shape[d];
      }
      if (total > Integer.MAX_VALUE - 8 || total < 0) {
        throw new IOException(file + " declares " + total + " elements, more than this reader holds");
      }
      byte[] values = new byte[(int) total];
      in.readFully(values);
      return new IdxArray(shape, values);
    }
  }
}
