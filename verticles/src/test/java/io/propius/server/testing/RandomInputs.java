package io.propius.server.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * Reproducible random inputs for the random-input (fuzz) tests against a running server: every
 * value comes from a {@link SplittableRandom} built from one seed, so a failing case is replayed by
 * its seed alone. A trimmed copy of the api module's test generator, kept apart on purpose: the
 * modules don't share test jars, and {@code SPECIAL} here leans towards the server's JSON parsers.
 */
public final class RandomInputs {
  /** Characters that matter to JSON parsers, mixed into random strings. */
  private static final String SPECIAL = "{}[]\":,\\ \t\r\n\u0000\u001f\u007f\u00e9\u2028\ufeff\ud800\udc00";
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

  /** A string of up to {@code maxLength} chars: ASCII, JSON-special characters and any UTF-16 unit. */
  public String string(int maxLength) {
    StringBuilder text = new StringBuilder();
    for (int i = between(0, maxLength); i > 0; i--) {
      text.append(fromOneOf(() -> (char) between(0x20, 0x7e), () -> SPECIAL.charAt(random.nextInt(SPECIAL.length())),
          () -> (char) random.nextInt(Character.MAX_VALUE + 1)));
    }
    return text.toString();
  }

  /** Up to {@code maxSize} entries (fewer when a key repeats), keeping the order drawn. */
  public <V> Map<String, V> map(int maxSize, Supplier<String> key, Supplier<? extends V> value) {
    Map<String, V> map = new LinkedHashMap<>();
    for (int i = between(0, maxSize); i > 0; i--) {
      map.put(key.get(), value.get());
    }
    return map;
  }
}
