package io.propius.examples.fl.data;

import java.util.SplittableRandom;

/** Standard normal draws from a {@link SplittableRandom}, which has no {@code nextGaussian}. */
public final class Normal {
  private Normal() {
  }

  /** One N(0, 1) draw (Box–Muller). */
  public static double draw(SplittableRandom rnd) {
    double u1 = 1 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
