package io.propius.edge.testing;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * Reproducible random inputs for the random-input (fuzz) tests: every value comes from a
 * {@link SplittableRandom} built from one seed, so a failing case is replayed by its seed alone.
 * Values lean towards the edges parsers get wrong (NaN, extreme numbers, control characters,
 * lone surrogates, empty data). A trimmed copy of the api module's test generator, kept apart on
 * purpose: the modules don't share test jars, and {@code SPECIAL} here leans towards this module's
 * number and header parsers.
 */
public final class RandomInputs {
  /** Characters that matter to number and header parsers, mixed into random strings. */
  private static final String SPECIAL = "+-.eE0x \t\r\n\u0000\u007f\u00e9\u2028\ufeff\ud800\udc00";
  private static final double[] EDGE_DOUBLES = {0.0, -0.0, 1.0, -1.0, 0.5, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 1e308};
  private static final long[] EDGE_LONGS = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF_FFFFL,
      Long.MAX_VALUE, Long.MIN_VALUE};

  private final SplittableRandom random;

  /** Inputs drawn from {@code seed}; the same seed always gives the same sequence. */
  public RandomInputs(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The fixed seeds a test runs, one case each: {@code count} of them, the same on every run. */
  public static LongStream seeds(int count) {
    return new SplittableRandom(0x5EED_F022L).longs(count);
  }

  /** Bytes as hex, for failure messages. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** An int in {@code [min, max]}. */
  public int between(int min, int max) {
    return random.nextInt(min, max + 1);
  }

  public boolean bool() {
    return random.nextBoolean();
  }

  @SafeVarargs
  public final <T> T oneOf(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** A value from one of the generators, each as likely as the others. */
  @SafeVarargs
  public final <T> T fromOneOf(Supplier<? extends T>... generators) {
    return oneOf(generators).get();
  }

  /** Any long: an edge value, a small one or uniform over all longs. */
  public long anyLong() {
    return fromOneOf(() -> EDGE_LONGS[random.nextInt(EDGE_LONGS.length)], () -> (long) between(-1000, 1000),
        random::nextLong);
  }

  /** Any double: an edge value (NaN, infinities, -0.0, extremes), a small one or any bit pattern. */
  public double anyDouble() {
    return fromOneOf(() -> EDGE_DOUBLES[random.nextInt(EDGE_DOUBLES.length)], () -> random.nextDouble(-1e6, 1e6),
        () -> Double.longBitsToDouble(random.nextLong()));
  }

  /** Up to {@code maxLength} doubles from {@link #anyDouble()}. */
  public double[] doubles(int maxLength) {
    double[] values = new double[between(0, maxLength)];
    Arrays.setAll(values, i -> anyDouble());
    return values;
  }

  /** Up to {@code maxLength} uniformly random bytes. */
  public byte[] bytes(int maxLength) {
    byte[] bytes = new byte[between(0, maxLength)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** A string of up to {@code maxLength} chars: ASCII, parser-special characters and any UTF-16 unit. */
  public String string(int maxLength) {
    StringBuilder text = new StringBuilder();
    for (int i = between(0, maxLength); i > 0; i--) {
      text.append(fromOneOf(() -> (char) between(0x20, 0x7e), () -> SPECIAL.charAt(random.nextInt(SPECIAL.length())),
          () -> (char) random.nextInt(Character.MAX_VALUE + 1)));
    }
    return text.toString();
  }
}
