package io.propius.bench.sim.device;

import java.util.SplittableRandom;

/**
 * When devices are online, in the spirit of FedScale's client behaviour trace: a device alternates
 * between online sessions (lognormal length, most under an hour or two, some several hours) and
 * offline gaps whose rate follows the device's local time of day (devices mostly come online
 * around {@code peakHour}, e.g. in the evening when charging on Wi-Fi). The mean gap is set so that
 * about {@code onlineFraction} of the devices are online on average.
 *
 * @param onlineFraction mean share of devices online at a time (0..1)
 * @param sessionMedianS median online session length, seconds
 * @param sessionSigma   lognormal sigma of session lengths
 * @param amplitude      diurnal amplitude of the come-online rate, 0 (flat) .. 1
 * @param peakHour       local hour when devices come online most
 */
public record Availability(double onlineFraction, double sessionMedianS, double sessionSigma, double amplitude,
    double peakHour) {
  private static final double DAY_S = 86_400;
  private static final double MIN_SESSION_S = 120;
  private static final double MAX_SESSION_S = 12 * 3600;
  /** Slices of the day for the comeback's bounds on its rate. */
  private static final int SLICES = 1024;

  public Availability {
    if (!(onlineFraction > 0 && onlineFraction < 1)) {
      throw new IllegalArgumentException("onlineFraction must be in (0, 1), got " + onlineFraction);
    }
    if (!(amplitude >= 0 && amplitude <= 1)) {
      throw new IllegalArgumentException("amplitude must be in [0, 1], got " + amplitude);
    }
  }

  /** The defaults used by the experiments: 30% online, sessions of median 1 h. */
  public static Availability defaults() {
    return new Availability(0.30, 3600, 0.9, 0.7, 20);
  }

  public double meanSessionS() {
    return sessionMedianS * Math.exp(sessionSigma * sessionSigma / 2);
  }

  /** Mean offline gap that gives the online fraction. */
  public double meanGapS() {
    return meanSessionS() * (1 - onlineFraction) / onlineFraction;
  }

  /** Length of an online session. */
  public double sessionLength(SplittableRandom random) {
    return session(gaussian(random));
  }

  /**
   * {@link #sessionLength(SplittableRandom)} from the next pair, draw for draw, for pairs made with
   * {@link #sessionOfPair} ahead.
   */
  public double sessionLength(DrawPairs pairs) {
    pairs.next();
    return pairs.ahead();
  }

  /** The session length a pair {@code (log(1 - u1), u2)} gives. */
  public double sessionOfPair(double logU1, double u2) {
    return session(gaussian(logU1, u2));
  }

  private double session(double gaussian) {
    double s = sessionMedianS * Math.exp(sessionSigma * gaussian);
    return Math.max(MIN_SESSION_S, Math.min(MAX_SESSION_S, s));
  }

  /**
   * When a device that goes offline at {@code now} comes back: a non-homogeneous Poisson arrival
   * whose rate follows the local hour (sampled by thinning).
   *
   * @param phaseS the device's time-zone offset, seconds
   */
  public double nextOnline(double now, double phaseS, SplittableRandom random) {
    return comeback().next(now, phaseS, random);
  }

  /** {@link #nextOnline} with its rates worked out once, for drawing many. */
  public Comeback comeback() {
    return new Comeback(this);
  }

  /** Draws of when an offline device comes back (see {@link #nextOnline}). */
  public static final class Comeback {
    private final double amplitude;
    private final double peakHour;
    private final double base;
    private final double max;
    /**
     * No rate is below this one, computed the same way with a cosine a little under -1 (Math.cos
     * is within an ulp of the true one): a draw under it is accepted without the time of day.
     */
    private final double floor;
    /**
     * Per slice of the day: rates no higher, and no lower, than any the thinning test can compute
     * in it, so that a draw below the one is accepted and above the other rejected without the
     * cosine. The rate is computed from the cosine by operations that round monotonically, so a
     * bound on the cosine bounds the rate the test computes.
     */
    private final double[] lower = new double[SLICES];
    private final double[] upper = new double[SLICES];

    private Comeback(Availability a) {
      amplitude = a.amplitude;
      peakHour = a.peakHour;
      base = 1 / a.meanGapS();
      max = base * (1 + amplitude);
      floor = base * (1 + amplitude * (-1 - 1e-12));
      double width = DAY_S / SLICES;
      // The cosine moves by at most 2π/DAY_S per second. The slice of a time of day is computed
      // with rounding, so each bound covers its neighbours too: 1.5 slices either side of the
      // middle, and a margin far above the few ulps by which the computed argument and Math.cos
      // may be off.
      double spread = 1.5 * width * 2 * Math.PI / DAY_S + 1e-9;
      for (int i = 0; i < SLICES; i++) {
        double c = cosineAt((i + 0.5) * width);
        lower[i] = rate(c - spread);
        upper[i] = rate(c + spread);
      }
    }

    /** Same as {@link Availability#nextOnline}, draw for draw. */
    public double next(double now, double phaseS, SplittableRandom random) {
      double t = now;
      while (true) {
        t += -Math.log(1 - random.nextDouble()) / max;
        if (accepts(t, phaseS, random.nextDouble())) {
          return t;
        }
      }
    }

    /** {@link #next(double, double, SplittableRandom)} from the next pairs, draw for draw. */
    public double next(double now, double phaseS, DrawPairs pairs) {
      double t = now;
      while (true) {
        pairs.next();
        t += -pairs.log() / max;
        if (accepts(t, phaseS, pairs.second())) {
          return t;
        }
      }
    }

    /** The thinning test of a candidate time with its uniform. */
    private boolean accepts(double t, double phaseS, double uniform) {
      double u = uniform * max;
      if (u <= floor) {
        return true;
      }
      double second = secondOfDay(t + phaseS);
      int slice = Math.min(SLICES - 1, (int) (second * (SLICES / DAY_S)));
      if (u <= lower[slice]) {
        return true;
      }
      if (u > upper[slice]) {
        return false;
      }
      return u <= rate(cosineAt(second));
    }

    private double cosineAt(double secondOfDay) {
      double hour = secondOfDay / 3600;
      return Math.cos(2 * Math.PI * (hour - peakHour) / 24);
    }

    private double rate(double cosine) {
      return base * (1 + amplitude * cosine);
    }
  }

  /**
   * {@code ((x % DAY_S) + DAY_S) % DAY_S}, to the last bit, without the floating-point remainder
   * (a runtime call that took most of the availability draws' time): with an integer quotient
   * {@code n}, {@code x - n × DAY_S} is exact for |x| < 2^52, and the second remainder is one
   * exact subtraction.
   */
  static double secondOfDay(double x) {
    double r = remainderOfDay(x);
    double s = r + DAY_S;
    if (s < DAY_S) {
      return s;
    }
    return s < 2 * DAY_S ? s - DAY_S : 0.0;
  }

  /** {@code x % DAY_S}, exactly (the remainder of truncating division, with the sign of x). */
  static double remainderOfDay(double x) {
    double a = Math.abs(x);
    if (a < DAY_S) {
      return x;
    }
    if (!(a < 0x1p52)) {
      return x % DAY_S;
    }
    // The quotient may be one off where a is within rounding of a multiple of a day; the
    // difference is exact either way (a multiple of a's ulp, smaller than a) and so is the fix.
    double r = a - Math.floor(a / DAY_S) * DAY_S;
    if (r < 0) {
      r += DAY_S;
    } else if (r >= DAY_S) {
      r -= DAY_S;
    }
    return Math.copySign(r, x);
  }

  static double gaussian(SplittableRandom random) {
    // Box-Muller; SplittableRandom has no nextGaussian in Java 17.
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return gaussian(Math.log(u), v);
  }

  private static double gaussian(double logU, double v) {
    return Math.sqrt(-2 * logU) * Math.cos(2 * Math.PI * v);
  }
}
