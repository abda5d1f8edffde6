package io.propius.policy.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuiltinReducersTest {
  @Test
  void serviceLoaderFindsTheBuiltins() {
    assertThat(Reducers.available(getClass().getClassLoader())).contains("fedavg", "metrics", "sum");
    assertThatThrownBy(() -> Reducers.load("median")).hasMessageContaining("available: fedavg, metrics, sum");
  }

  @Test
  void fedAvgIsTheWeightedMeanWhateverTheGroupingAndOrder() {
    Reducer r = Reducers.load("fedavg");
    Random rnd = new Random(7);
    double[][] x = new double[50][4];
    double[] w = new double[50];
    double[] expected = new double[4];
    double total = 0;
    for (int k = 0; k < 50; k++) {
      x[k] = rnd.doubles(4, -1, 1).toArray();
      w[k] = 1 + rnd.nextInt(100);
      total += w[k];
      for (int i = 0; i < 4; i++) {
        expected[i] += w[k] * x[k][i];
      }
    }
    Accumulator a = r.newAccumulator(4);
    Accumulator b = r.newAccumulator(4);
    for (int k = 49; k >= 0; k--) {
      (k % 3 == 0 ? a : b).add(x[k], w[k]);
    }
    // b travels as state, as it would up the tree.
    Accumulator shipped = r.fromState(4, b.contributors(), b.weight(), b.state());
    a.merge(shipped);
    assertThat(a.contributors()).isEqualTo(50);
    assertThat(a.weight()).isEqualTo(total);
    for (int i = 0; i < 4; i++) {
      assertThat(a.result()[i]).isCloseTo(expected[i] / total, within(1e-12));
    }
  }

  @Test
  void sumAndMetrics() {
    Accumulator s = Reducers.load("sum").newAccumulator(2);
    s.add(new double[] {1, 2}, 10);
    s.add(new double[] {3, 4}, 1);
    assertThat(s.result()).containsExactly(4, 6);

    Reducer m = Reducers.load("metrics");
    Accumulator a = m.newAccumulator(1);
    a.add(new double[] {0.5}, 3);
    Accumulator b = m.newAccumulator(1);
    b.add(new double[] {1.5}, 1);
    b.add(new double[] {-1}, 1);
    a.merge(m.fromState(1, b.contributors(), b.weight(), b.state()));
    assertThat(a.result()).containsExactly(3, 1.0 / 3, -1, 1.5);
  }

  @Test
  void wrongShapesAreRefused() {
    Reducer r = Reducers.load("fedavg");
    assertThatThrownBy(() -> r.newAccumulator(3).add(new double[2], 1)).hasMessageContaining("expected 3");
    assertThatThrownBy(() -> r.newAccumulator(3).add(new double[3], 0)).hasMessageContaining("positive");
    assertThatThrownBy(() -> r.newAccumulator(3).merge(r.newAccumulator(4))).hasMessageContaining("length 3");
    assertThatThrownBy(() -> r.fromState(3, 1, 1, new double[2])).hasMessageContaining("expected 3");
  }

  /** A cleared accumulator behaves exactly as a new one, whatever is read or folded first. */
  @ParameterizedTest
  @ValueSource(strings = {"fedavg", "sum", "metrics"})
  void aClearedAccumulatorIsANewOne(String name) {
    Reducer r = Reducers.load(name);
    Random rnd = new Random(11);
    double[] x = rnd.doubles(3, -1, 1).toArray();
    double[] y = rnd.doubles(3, -1, 1).toArray();
    Accumulator fresh = r.newAccumulator(3);
    fresh.add(x, 2);
    fresh.add(y, 5);

    Accumulator reused = r.newAccumulator(3);
    reused.add(y, 7);
    reused.clear();
    assertThat(reused.contributors()).isZero();
    assertThat(reused.weight()).isZero();
    assertThat(reused.state()).containsExactly(r.newAccumulator(3).state());
    reused.clear();
    reused.add(x, 2);
    reused.add(y, 5);
    assertThat(reused.state()).containsExactly(fresh.state());
    assertThat(reused.sharedState()).containsExactly(fresh.state());
    assertThat(reused.result()).containsExactly(fresh.result());

    Accumulator merged = r.newAccumulator(3);
    merged.add(y, 1);
    merged.clear();
    merged.merge(fresh);
    assertThat(merged.state()).containsExactly(fresh.state());
    assertThat(merged.contributors()).isEqualTo(2);
  }

  /**
   * Float32 contributions (into new and cleared accumulators) give exactly the state their widened
   * doubles give; so does a reducer that folds only doubles (metrics).
   */
  @ParameterizedTest
  @ValueSource(strings = {"fedavg", "sum", "metrics"})
  void float32ContributionsFoldAsTheirDoublesDo(String name) {
    Reducer r = Reducers.load(name);
    Random rnd = new Random(5);
    int n = 5000;
    float[] x = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
      y[i] = (float) rnd.nextGaussian();
    }
    Accumulator doubles = r.newAccumulator(n);
    doubles.add(widen(x), 3);
    doubles.add(widen(y), 0.25);

    Accumulator floats = r.newAccumulator(n);
    floats.add(y, 9);
    floats.clear();
    floats.add(x, 3);
    floats.add(y, 0.25);
    assertThat(floats.state()).containsExactly(doubles.state());
    assertThat(floats.contributors()).isEqualTo(2);
    assertThat(floats.weight()).isEqualTo(3.25);
    assertThatThrownBy(() -> r.newAccumulator(n + 1).add(x, 1)).hasMessageContaining("expected " + (n + 1));
    assertThatThrownBy(() -> r.newAccumulator(n).add(x, -1)).hasMessageContaining("positive");
  }

  private static double[] widen(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
