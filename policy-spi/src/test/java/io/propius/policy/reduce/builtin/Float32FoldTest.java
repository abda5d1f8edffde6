package io.propius.policy.reduce.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.policy.reduce.Accumulator;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The vector float32 fold against the reducers' scalar loops, in a JVM with the module (the
 * surefire argLine adds it): the same states to the bit, through the accumulators' real paths
 * (the first fold into a new state, later folds, and the first fold after a clear).
 */
class Float32FoldTest {
  private static final Float32Fold.Impl VECTOR = Float32Fold.loadVector();

  @Test
  void theModuleIsThereSoTheVectorFoldLoads() {
    assertThat(Float32Fold.vectorAvailable()).isTrue();
    assertThat(VECTOR).isNotNull();
  }

  // Lengths around the lane counts (4 doubles at 256 bits, 8 at 512) and a 30 KB and a 1 MB tensor
  // that are not multiples of them.
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 7_850, 262_147})
  void fedAvgAndSumFoldBitIdenticalToTheScalarLoops(int length) {
    for (ElementwiseReducer reducer : new ElementwiseReducer[] {new FedAvgReducer(), new SumReducer()}) {
      Accumulator scalar = reducer.newAccumulator(length, null);
      Accumulator vector = reducer.newAccumulator(length, VECTOR);
      assertThat(vector.getClass()).as("the vector accumulator").isNotEqualTo(scalar.getClass());
      SplittableRandom random = new SplittableRandom(length);
      for (int batch = 0; batch < 2; batch++) {
        for (int k = 0; k < 5; k++) {
          float[] values = values(random, length);
          // Weights that round when multiplied (not only small integers).
          double weight = k == 0 ? 1 : random.nextDouble(0.001, 1e4);
          scalar.add(values, weight);
          vector.add(values, weight);
        }
        assertThat(bits(vector.sharedState())).as("%s, length %d, batch %d", reducer.name(), length, batch)
            .isEqualTo(bits(scalar.sharedState()));
        assertThat(vector.result()).isEqualTo(scalar.result());
        // The second batch starts with foldFirst over the first batch's leftovers.
        scalar.clear();
        vector.clear();
      }
    }
  }

  @Test
  void scalarAndVectorAccumulatorsOfOneReducerMergeWithEachOther() {
    SplittableRandom random = new SplittableRandom(7);
    for (ElementwiseReducer reducer : new ElementwiseReducer[] {new FedAvgReducer(), new SumReducer()}) {
      float[] a = values(random, 33);
      float[] b = values(random, 33);
      Accumulator scalarIntoVector = reducer.newAccumulator(33, VECTOR);
      scalarIntoVector.add(a, 2);
      Accumulator scalar = reducer.newAccumulator(33, null);
      scalar.add(b, 3);
      scalarIntoVector.merge(scalar);

      Accumulator vectorIntoScalar = reducer.newAccumulator(33, null);
      vectorIntoScalar.add(a, 2);
      Accumulator vector = reducer.newAccumulator(33, VECTOR);
      vector.add(b, 3);
      vectorIntoScalar.merge(vector);

      assertThat(bits(scalarIntoVector.sharedState())).as(reducer.name()).isEqualTo(bits(vectorIntoScalar.sharedState()));
      assertThat(scalarIntoVector.result()).isEqualTo(vectorIntoScalar.result());
    }
    Accumulator sum = new SumReducer().newAccumulator(33, VECTOR);
    assertThatThrownBy(() -> sum.merge(new FedAvgReducer().newAccumulator(33, null)))
        .as("another reducer's state still does not merge").isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void useTakesTheVectorFoldOnlyWhenAskedFor() {
    try {
      assertThat(Float32Fold.use(false)).isEqualTo("scalar");
      Class<?> scalar = new FedAvgReducer().newAccumulator(8).getClass();
      assertThat(Float32Fold.use(true)).isEqualTo("vector");
      assertThat(Float32Fold.inUse()).isEqualTo("vector");
      assertThat(new FedAvgReducer().newAccumulator(8).getClass()).isNotEqualTo(scalar);
      assertThat(new FedAvgReducer().fromState(8, 1, 1, new double[8]).getClass()).isNotEqualTo(scalar);
    } finally {
      Float32Fold.use(false);
    }
  }

  /** Uniform values across magnitudes, with zeros of both signs, subnormals and the float extremes. */
  private static float[] values(SplittableRandom random, int length) {
    float[] v = new float[length];
    for (int i = 0; i < length; i++) {
      v[i] = switch (random.nextInt(20)) {
        case 0 -> -0.0f;
        case 1 -> Float.MIN_VALUE * random.nextInt(1, 1000);
        case 2 -> random.nextBoolean() ? Float.MAX_VALUE : -Float.MAX_VALUE;
        default -> (float) (random.nextDouble(-1, 1) * Math.pow(10, random.nextInt(-20, 20)));
      };
    }
    return v;
  }

  private static long[] bits(double[] state) {
    long[] bits = new long[state.length];
    for (int i = 0; i < state.length; i++) {
      bits[i] = Double.doubleToRawLongBits(state[i]);
    }
    return bits;
  }
}
