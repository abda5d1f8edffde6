package io.propius.policy.reduce.builtin;

/**
 * How the built-in element-wise reducers ({@code fedavg}, {@code sum}) fold float32 contributions
 * into their double state: their own scalar loops, or vectors of the incubating Vector API at the
 * CPU's preferred width. Java 17's JIT does not vectorize the float-to-double widening of the
 * scalar loops (docs/BENCHMARKS.md has the figures).
 *
 * <p>Both give bit-identical results: each element is widened (exact), multiplied by the weight and
 * added to its state value as in the scalar loop, one rounding each, with no fused multiply-add.
 *
 * <p>The choice is process-wide, as the module is: the vector fold needs a JVM started with
 * {@code --add-modules jdk.incubator.vector}. Its class is loaded only when that module is there,
 * so a JVM without it never touches the API. The scalar loops are used until {@link #use} picks
 * the vector fold.
 */
public final class Float32Fold {
  private static final System.Logger LOG = System.getLogger(Float32Fold.class.getName());
  /** The incubator module the vector fold needs in the boot layer. */
  public static final String VECTOR_MODULE = "jdk.incubator.vector";

  /** The vector fold's operations, {@code length} values of {@code values} into {@code state}. */
  interface Impl {
    /** {@code state[i] += weight * values[i]}. */
    void weighted(double[] state, float[] values, double weight, int length);

    /** {@code state[i] = weight * values[i]}. */
    void weightedFirst(double[] state, float[] values, double weight, int length);

    /** {@code state[i] += values[i]}. */
    void plain(double[] state, float[] values, int length);

    /** {@code state[i] = values[i]}. */
    void plainFirst(double[] state, float[] values, int length);
  }

  // Null: the reducers' own loops. Read when an accumulator is made; set before a node makes any.
  private static volatile Impl vector;

  private Float32Fold() {
  }

  /** True when this JVM has {@value #VECTOR_MODULE}, i.e. was started with {@code --add-modules jdk.incubator.vector}. */
  public static boolean vectorAvailable() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /**
   * Picks the fold of the accumulators made from now on in this JVM: the vector one if asked for and
   * {@link #vectorAvailable()}, else the scalar one (the caller logs the fallback; nothing fails
   * without the module). Accumulators made before keep theirs; a scalar and a vector accumulator of
   * the same reducer merge with each other, and their states are the same to the bit.
   *
   * @return the name of the fold now in use, {@code vector} or {@code scalar}
   */
  public static String use(boolean wanted) {
    vector = wanted ? loadVector() : null;
    return inUse();
  }

  /** The name of the fold in use, {@code vector} or {@code scalar}. */
  public static String inUse() {
    return vector != null ? "vector" : "scalar";
  }

  /** The vector fold, or null for the reducers' scalar loops. */
  static Impl vector() {
    return vector;
  }

  /**
   * The vector fold, or null without the module or on a CPU whose vectors it cannot use (its
   * species fail to initialise, e.g. doubles narrower than two lanes); its class is named here only,
   * so it loads only then.
   */
  static Impl loadVector() {
    if (!vectorAvailable()) {
      return null;
    }
    try {
      return (Impl) Class.forName(Float32Fold.class.getPackageName() + ".VectorFloat32Fold")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the module " + VECTOR_MODULE + " is present but the vector fold is missing", e);
    } catch (LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "the module " + VECTOR_MODULE + " is present but its vectors do not suit "
          + "this CPU (" + e + "); float32 uploads are folded by the scalar loops");
      return null;
    }
  }
}
