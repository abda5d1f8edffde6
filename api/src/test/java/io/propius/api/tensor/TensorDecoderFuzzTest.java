package io.propius.api.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import com.sun.management.ThreadMXBean;
import io.propius.testing.RandomInputs;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random and mutated tensors, in random chunkings, through the streaming decoder and the
 * whole-tensor one: each decodes or fails with {@link TensorFormatException}, never anything
 * else, and what a header claims is not allocated before the body proves it.
 */
class TensorDecoderFuzzTest {
  private static final ThreadMXBean THREADS =
      (ThreadMXBean) ManagementFactory.getThreadMXBean();

  static LongStream seeds() {
    return RandomInputs.seeds(300);
  }

  static LongStream claimSeeds() {
    return RandomInputs.seeds(40);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anyBytesInAnyChunksDecodeOrFailWithATensorFormatException(long seed) {
    RandomInputs random = new RandomInputs(seed);
    byte[] bytes = tensorish(random);
    int chunk = random.between(1, 40);
    assertDoesNotThrow(() -> {
      TensorDecoder decoder = new TensorDecoder();
      try {
        for (int i = 0; i < bytes.length; i += chunk) {
          decoder.feed(ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i)));
        }
        double[] values = decoder.finish();
        assertThat(values).containsExactly(Tensors.decode(bytes));
      } catch (TensorFormatException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }, () -> "seed " + seed + ", chunks of " + chunk + ", bytes " + RandomInputs.hex(bytes));
  }

  /**
   * A decoder keeping float32 values as floats gives the values, the first non-finite one and the
   * errors the decoding one gives, in any chunking (values straddling chunks included), into
   * reused arrays.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void keptFloat32HoldsWhatTheDecodedValuesHold(long seed) {
    RandomInputs random = new RandomInputs(seed);
    byte[] bytes = random.bool() ? tensorish(random)
        : random.mutate(Tensors.encode(random.doubles(random.between(0, 9000)), DType.FLOAT32));
    int chunk = random.between(1, 40_000);
    String input = "seed " + seed + ", chunks of " + chunk + ", bytes " + RandomInputs.hex(Arrays.copyOf(bytes,
        Math.min(64, bytes.length)));
    TensorDecoder decoding = new TensorDecoder();
    // Arrays full of what an earlier tensor left.
    TensorDecoder keeping = TensorDecoder.keepingFloat32(
        n -> n > 10_000 ? new TensorFormatException(n + " values are too many") : null,
        n -> filled(new double[n]), n -> {
          float[] reused = new float[n];
          Arrays.fill(reused, 7f);
          return reused;
        });
    String decodingError = feedAll(decoding, bytes, chunk);
    String keepingError = feedAll(keeping, bytes, chunk);
    if (decodingError != null || keepingError != null) {
      assertThat(keepingError).as(input).isNotNull();
      return;
    }
    double[] expected = decoding.finish();
    assertThat(keeping.firstNonFinite()).as(input).isEqualTo(decoding.firstNonFinite());
    float[] kept = keeping.float32();
    if (kept == null) {
      assertThat(keeping.finish()).as(input).containsExactly(expected);
      return;
    }
    if (decoding.firstNonFinite() >= 0) {
      assertThat((Object) keeping.nonFiniteValue()).as(input).isEqualTo(expected[decoding.firstNonFinite()]);
    }
    double[] widened = new double[kept.length];
    for (int i = 0; i < kept.length; i++) {
      widened[i] = kept[i];
    }
    assertThat(widened).as(input).containsExactly(expected);
  }

  private static double[] filled(double[] values) {
    Arrays.fill(values, 7);
    return values;
  }

  /** Feeds the bytes in chunks and finishes; the error's message, or null. */
  private static String feedAll(TensorDecoder decoder, byte[] bytes, int chunk) {
    try {
      for (int i = 0; i < bytes.length; i += chunk) {
        // Each chunk in an array of its own, as the edge node's HTTP server hands them over.
        decoder.feed(ByteBuffer.wrap(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk))));
      }
      decoder.float32();
      return null;
    } catch (TensorFormatException e) {
      return e.getMessage();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aWholeTensorDecodesOrFailsWithATensorFormatException(long seed) {
    byte[] bytes = tensorish(new RandomInputs(seed));
    assertDoesNotThrow(() -> {
      try {
        Tensors.decode(bytes);
      } catch (TensorFormatException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }, () -> "seed " + seed + ", bytes " + RandomInputs.hex(bytes));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("claimSeeds")
  void aClaimedCountIsNotAllocatedBeforeTheBodyProvesIt(long seed) {
    RandomInputs random = new RandomInputs(seed);
    // Half the claims stay under the 2 GB a decoder could ever allocate, where a missing check shows.
    long claimed = random.between(1L << 20, random.bool() ? 0xFFFF_FFFFL : Integer.MAX_VALUE / 8);
    int bodyBytes = random.between(0, 4096);
    DType dtype = random.bool() ? DType.FLOAT64 : DType.FLOAT32;
    byte[] bytes = Arrays.copyOf(header(dtype, claimed), 12 + bodyBytes);
    String input = "seed " + seed + ", " + dtype + " header claiming " + claimed + " values, " + bodyBytes + " body bytes";
    long before = THREADS.getCurrentThreadAllocatedBytes();
    TensorDecoder decoder = new TensorDecoder();
    assertThatThrownBy(() -> {
      decoder.feed(ByteBuffer.wrap(bytes));
      decoder.finish();
    }).as(input).isInstanceOf(TensorFormatException.class);
    assertThatThrownBy(() -> Tensors.decode(bytes)).as(input).isInstanceOf(TensorFormatException.class);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    // Room for the unproven start, the values the body carries, doubling slack, exception messages.
    assertThat(allocated).as(input).isLessThan(8L * TensorDecoder.UNPROVEN_ELEMENTS + 32L * bodyBytes + 256 * 1024);
  }

  /** Once allocated 1.6 GB for a 12-byte upload (found by the property above). */
  @Test
  void aTwelveByteHeaderClaimingTwoHundredMillionDoublesIsRefusedCheaply() {
    byte[] bytes = header(DType.FLOAT64, 200_000_000L);
    assertThatThrownBy(() -> Tensors.decode(bytes)).isInstanceOf(TensorFormatException.class)
        .hasMessageContaining("truncated");
    TensorDecoder decoder = new TensorDecoder();
    decoder.feed(ByteBuffer.wrap(bytes));
    assertThatThrownBy(decoder::finish).hasMessageContaining("truncated");
  }

  @Test
  void aValueSplitAcrossChunksThatOutgrowsTheUnprovenRoomStillDecodes() {
    double[] values = new double[TensorDecoder.UNPROVEN_ELEMENTS * 3 + 1];
    Arrays.setAll(values, i -> i * 0.5);
    byte[] bytes = Tensors.encode(values, DType.FLOAT64);
    TensorDecoder decoder = new TensorDecoder();
    for (int i = 0; i < bytes.length; i += 4093) {
      decoder.feed(ByteBuffer.wrap(bytes, i, Math.min(4093, bytes.length - i)));
    }
    assertThat(decoder.finish()).containsExactly(values);
  }

  /** Random bytes, a valid tensor, a damaged one, or a bare header claiming any count over a short body. */
  private static byte[] tensorish(RandomInputs random) {
    return random.fromOneOf(
        () -> random.bytes(64),
        () -> valid(random),
        () -> random.mutate(valid(random)),
        () -> Arrays.copyOf(header(random.oneOf(DType.values()), random.between(0, 0xFFFF_FFFFL)),
            12 + random.between(0, 64)));
  }

  private static byte[] valid(RandomInputs random) {
    return Tensors.encode(random.doubles(8), random.oneOf(DType.values()));
  }

  private static byte[] header(DType dtype, long count) {
    ByteBuffer out = ByteBuffer.allocate(TensorHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    new TensorHeader(dtype, count).write(out);
    return out.array();
  }
}
