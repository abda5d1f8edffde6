package io.propius.bench.sim.device;

import java.util.SplittableRandom;

/**
 * Which of the four job requirement classes a device meets, as a 4-bit mask (bit {@code k-1} for
 * class {@code k}). The mix is the AI-Benchmark-derived sample of 959 phones the Propius
 * evaluation uses: 417 meet all four classes, 305 class 1 only, 124 classes 1 and 3, 78 classes 1
 * and 2, 35 none.
 */
public final class EligibilityMix {
  /** Number of requirement classes; jobs need one of 1..CLASSES. */
  public static final int CLASSES = 4;
  /** Number of distinct masks. */
  public static final int MASKS = 1 << CLASSES;

  private static final int[] MASK = {0b1111, 0b0001, 0b0101, 0b0011, 0b0000};
  private static final int[] PHONES = {417, 305, 124, 78, 35};
  private static final int TOTAL = 959;

  private EligibilityMix() {
  }

  /** A mask drawn from the 959-phone mix. */
  public static int draw(SplittableRandom random) {
    int r = random.nextInt(TOTAL);
    for (int i = 0; i < PHONES.length; i++) {
      r -= PHONES[i];
      if (r < 0) {
        return MASK[i];
      }
    }
    throw new AssertionError();
  }

  /** Whether a device with this mask meets requirement class {@code jobClass} (1..4). */
  public static boolean eligible(int mask, int jobClass) {
    return (mask & (1 << (jobClass - 1))) != 0;
  }

  /** Share of the 959 phones that meet the class. */
  public static double share(int jobClass) {
    int n = 0;
    for (int i = 0; i < MASK.length; i++) {
      if (eligible(MASK[i], jobClass)) {
        n += PHONES[i];
      }
    }
    return (double) n / TOTAL;
  }

  /** Name of the device attribute that says a device meets a class: {@code class_1}..{@code class_4}. */
  public static String attribute(int jobClass) {
    return "class_" + jobClass;
  }
}
