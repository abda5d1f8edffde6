package io.propius.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * Reproducible random inputs for the random-input (fuzz) tests: every value comes from a
 * {@link SplittableRandom} built from one seed, so a failing case is replayed by its seed alone.
 * Values lean towards the edges parsers get wrong (NaN, extreme numbers, control characters,
 * lone surrogates, empty and truncated data) rather than being uniform.
 * One generator for every module's fuzz tests, so a new parser's test starts from the same edges.
 */
public final class RandomInputs {
  /** Characters that matter to JSON, query, number and header parsers, mixed into random strings. */
  private static final String SPECIAL = "{}[]\":,\\'()<>=!&|. +-eE0x\t\r\n\u0000\u001f\u007f\u00e9\u00ff\u2028\ufeff\ufffd\ud800\udc00";
  private static final double[] EDGE_DOUBLES = {0.0, -0.0, 1.0, -1.0, 0.5, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, Double.MIN_NORMAL, 1e308, 9.007199254740993E15};
  private static final long[] EDGE_LONGS = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE + 1L,
      0xFFFF_FFFFL, Long.MAX_VALUE, Long.MIN_VALUE};

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

  /** A long in {@code [min, max]}, {@code max < Long.MAX_VALUE}. */
  public long between(long min, long max) {
    return random.nextLong(min, max + 1);
  }

  public boolean bool() {
    return random.nextBoolean();
  }

  /** True with probability {@code p}. */
  public boolean chance(double p) {
    return random.nextDouble() < p;
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

  /** Any int: an edge value or uniform over all ints. */
  public int anyInt() {
    // The first five edge longs are the ones that fit an int.
    return chance(0.3) ? (int) EDGE_LONGS[random.nextInt(5)] : random.nextInt();
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

  /** A string of {@code minLength} to {@code maxLength} chars taken from {@code alphabet}. */
  public String string(int minLength, int maxLength, String alphabet) {
    StringBuilder text = new StringBuilder();
    for (int i = between(minLength, maxLength); i > 0; i--) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  /** Up to {@code maxSize} elements from {@code element}. */
  public <T> List<T> list(int maxSize, Supplier<? extends T> element) {
    List<T> list = new ArrayList<>();
    for (int i = between(0, maxSize); i > 0; i--) {
      list.add(element.get());
    }
    return list;
  }

  /** Up to {@code maxSize} entries (fewer when a key repeats), keeping the order drawn. */
  public <V> Map<String, V> map(int maxSize, Supplier<String> key, Supplier<? extends V> value) {
    Map<String, V> map = new LinkedHashMap<>();
    for (int i = between(0, maxSize); i > 0; i--) {
      map.put(key.get(), value.get());
    }
    return map;
  }

  /**
   * {@code valid} damaged one way: truncated, extended with random bytes, one bit flipped, one
   * byte overwritten, or a run of bytes replaced.
   */
  public byte[] mutate(byte[] valid) {
    if (valid.length == 0) {
      return bytes(8);
    }
    byte[] copy = valid.clone();
    int at = random.nextInt(copy.length);
    switch (random.nextInt(5)) {
      case 0 -> copy = Arrays.copyOf(copy, random.nextInt(copy.length));
      case 1 -> {
        copy = Arrays.copyOf(copy, copy.length + between(1, 12));
        for (int i = valid.length; i < copy.length; i++) {
          copy[i] = (byte) random.nextInt();
        }
      }
      case 2 -> copy[at] ^= (byte) (1 << random.nextInt(8));
      case 3 -> copy[at] = (byte) random.nextInt();
      default -> {
        for (int i = at, end = Math.min(copy.length, at + between(1, 8)); i < end; i++) {
          copy[i] = (byte) random.nextInt();
        }
      }
    }
    return copy;
  }
}
