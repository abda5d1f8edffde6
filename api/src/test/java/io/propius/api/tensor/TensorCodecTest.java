package io.propius.api.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorCodecTest {
  @Test
  void float64RoundTripsExactlyInAnyChunking() {
    double[] values = new Random(1).doubles(1000).toArray();
    byte[] bytes = Tensors.encode(values, DType.FLOAT64);
    assertThat(bytes).hasSize(12 + 8000);
    for (int chunk : new int[] {1, 3, 7, 12, 13, 4096, bytes.length}) {
      TensorDecoder d = new TensorDecoder();
      for (int off = 0; off < bytes.length; off += chunk) {
        d.feed(ByteBuffer.wrap(bytes, off, Math.min(chunk, bytes.length - off)));
      }
      assertThat(d.finish()).as("chunk %d", chunk).containsExactly(values);
    }
  }

  @Test
  void float32RoundTripsExactlyInAnyChunking() {
    double[] values = new double[1001];
    Random random = new Random(2);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    byte[] bytes = Tensors.encode(values, DType.FLOAT32);
    // Chunks that split values (and the header) anywhere: the bulk path must hand over to the carry.
    for (int chunk : new int[] {1, 3, 5, 12, 13, 4095, bytes.length}) {
      TensorDecoder d = new TensorDecoder();
      for (int off = 0; off < bytes.length; off += chunk) {
        d.feed(ByteBuffer.wrap(bytes, off, Math.min(chunk, bytes.length - off)));
      }
      assertThat(d.finish()).as("chunk %d", chunk).containsExactly(values);
    }
  }

  @Test
  void firstNonFiniteValueIsFoundInAnyChunking() {
    for (DType dtype : DType.values()) {
      for (double special : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        // Late in a long tensor (found by the bulk loops) and, with the chunking, split across chunks.
        double[] values = new Random(3).doubles(5000, -1e30, 1e30).toArray();
        values[4321] = special;
        values[4900] = Double.NaN;
        byte[] bytes = Tensors.encode(values, dtype);
        for (int chunk : new int[] {3, 4096, bytes.length}) {
          TensorDecoder d = new TensorDecoder();
          for (int off = 0; off < bytes.length; off += chunk) {
            d.feed(ByteBuffer.wrap(bytes, off, Math.min(chunk, bytes.length - off)));
          }
          d.finish();
          assertThat(d.firstNonFinite()).as("%s %s chunk %d", dtype, special, chunk).isEqualTo(4321);
        }
      }
      // Largest finite and subnormal values are finite.
      TensorDecoder d = new TensorDecoder();
      d.feed(ByteBuffer.wrap(Tensors.encode(new double[] {Float.MAX_VALUE, -Float.MIN_VALUE, 0.0, -0.0}, dtype)));
      d.finish();
      assertThat(d.firstNonFinite()).as("%s", dtype).isEqualTo(-1);
    }
  }

  @Test
  void float32IsLittleEndianWithTheDocumentedHeader() {
    byte[] bytes = Tensors.encode(new float[] {1.0f, -2.5f});
    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PTN1");
    assertThat(bytes[4]).isEqualTo((byte) 1);
    assertThat(bytes[8]).isEqualTo((byte) 2);
    // 1.0f = 0x3F800000, little-endian
    assertThat(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]}).containsExactly(0, 0, (byte) 0x80, 0x3F);
    assertThat(Tensors.decode(bytes)).containsExactly(1.0, -2.5);
  }

  @Test
  void badInputSaysWhatIsWrong() {
    byte[] good = Tensors.encode(new double[] {1, 2, 3}, DType.FLOAT64);
    byte[] badMagic = good.clone();
    badMagic[0] = 'X';
    assertThatThrownBy(() -> Tensors.decode(badMagic)).hasMessageContaining("magic");
    byte[] badType = good.clone();
    badType[4] = 9;
    assertThatThrownBy(() -> Tensors.decode(badType)).hasMessageContaining("dtype 9");
    assertThatThrownBy(() -> Tensors.decode(Arrays.copyOf(good, good.length - 1)))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> Tensors.decode(Arrays.copyOf(good, good.length + 8)))
        .hasMessageContaining("more bytes");
    assertThatThrownBy(() -> Tensors.decode(new byte[5])).hasMessageContaining("header");
  }

  @Test
  void countCheckRejectsBeforeValuesArrive() {
    byte[] bytes = Tensors.encode(new double[] {1, 2, 3}, DType.FLOAT32);
    TensorDecoder d = new TensorDecoder(n -> n == 5 ? null : new TensorFormatException("expected 5, got " + n));
    assertThatThrownBy(() -> d.feed(ByteBuffer.wrap(bytes, 0, 12))).hasMessage("expected 5, got 3");
  }
}
