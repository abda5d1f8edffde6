package io.propius.api.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Random and mutated tensors, in random chunkings, through the streaming decoder and the
 * whole-tensor one: each decodes or fails with {@link TensorFormatException}, never anything
 * else, and what a header claims is not allocated before the body proves it.
 */
class TensorDecoderFuzzTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Property(tries = 300)
  void anyBytesInAnyChunksDecodeOrFailWithATensorFormatException(@ForAll("tensorish") byte[] bytes,
                                                                 @ForAll @IntRange(min = 1, max = 40) int chunk) {
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
  }

  @Property(tries = 300)
  void aWholeTensorDecodesOrFailsWithATensorFormatException(@ForAll("tensorish") byte[] bytes) {
    try {
      Tensors.decode(bytes);
    } catch (TensorFormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 40)
  void aClaimedCountIsNotAllocatedBeforeTheBodyProvesIt(@ForAll @LongRange(min = 1 << 20, max = 0xFFFF_FFFFL) long claimed,
                                                        @ForAll @IntRange(min = 0, max = 4096) int bodyBytes,
                                                        @ForAll boolean float64) {
    byte[] bytes = Arrays.copyOf(header(float64 ? DType.FLOAT64 : DType.FLOAT32, claimed), 12 + bodyBytes);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    TensorDecoder decoder = new TensorDecoder();
    assertThatThrownBy(() -> {
      decoder.feed(ByteBuffer.wrap(bytes));
      decoder.finish();
    }).isInstanceOf(TensorFormatException.class);
    assertThatThrownBy(() -> Tensors.decode(bytes)).isInstanceOf(TensorFormatException.class);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    // Room for the unproven start, the values the body carries, doubling slack, exception messages.
    assertThat(allocated).isLessThan(8L * TensorDecoder.UNPROVEN_ELEMENTS + 32L * bodyBytes + 256 * 1024);
  }

  /** Once allocated 1.6 GB for a 12-byte upload (found by the property above). */
  @Example
  void aTwelveByteHeaderClaimingTwoHundredMillionDoublesIsRefusedCheaply() {
    byte[] bytes = header(DType.FLOAT64, 200_000_000L);
    assertThatThrownBy(() -> Tensors.decode(bytes)).isInstanceOf(TensorFormatException.class)
        .hasMessageContaining("truncated");
    TensorDecoder decoder = new TensorDecoder();
    decoder.feed(ByteBuffer.wrap(bytes));
    assertThatThrownBy(decoder::finish).hasMessageContaining("truncated");
  }

  @Example
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

  @Provide
  Arbitrary<byte[]> tensorish() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    Arbitrary<byte[]> valid = Combinators.combine(Arbitraries.doubles().array(double[].class).ofMaxSize(8),
        Arbitraries.of(DType.values())).as((values, dtype) -> Tensors.encode(values, dtype));
    Arbitrary<byte[]> mutated = Combinators.combine(valid, Arbitraries.integers().between(0, 200),
        Arbitraries.bytes()).as((bytes, at, value) -> {
          byte[] copy = bytes.clone();
          copy[at % copy.length] = value;
          return copy;
        });
    Arbitrary<byte[]> resized = Combinators.combine(valid, Arbitraries.integers().between(-12, 12))
        .as((bytes, delta) -> Arrays.copyOf(bytes, Math.max(0, bytes.length + delta)));
    Arbitrary<byte[]> claiming = Combinators.combine(Arbitraries.of(DType.values()),
        Arbitraries.longs().between(0, 0xFFFF_FFFFL), Arbitraries.integers().between(0, 64))
        .as((dtype, count, body) -> Arrays.copyOf(header(dtype, count), 12 + body));
    return Arbitraries.oneOf(random, valid, mutated, resized, claiming);
  }

  private static byte[] header(DType dtype, long count) {
    ByteBuffer out = ByteBuffer.allocate(TensorHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    new TensorHeader(dtype, count).write(out);
    return out.array();
  }
}
