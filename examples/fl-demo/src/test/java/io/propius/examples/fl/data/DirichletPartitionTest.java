package io.propius.examples.fl.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DirichletPartitionTest {
  /** 20,000 examples of 10 balanced classes, in a random order. */
  private static int[] labels() {
    SplittableRandom rnd = new SplittableRandom(3);
    int[] y = new int[20_000];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 10;
    }
    for (int i = y.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = y[i];
      y[i] = y[j];
      y[j] = t;
    }
    return y;
  }

  @Test
  void everyExampleGoesToExactlyOneDevice() {
    int[] y = labels();
    int[][] parts = DirichletPartition.split(y, 10, 150, 0.5, 0.8, 11);
    assertThat(parts.length).isEqualTo(150);
    int[] seen = new int[y.length];
    for (int[] part : parts) {
      assertThat(part).isNotEmpty();
      for (int i : part) {
        seen[i]++;
      }
    }
    assertThat(seen).containsOnly(1);
  }

  @Test
  void skewGrowsAsAlphaFalls() {
    int[] y = labels();
    double iid = DirichletPartition.labelSkew(y, 10, DirichletPartition.split(y, 10, 100, 1000, 0, 5));
    double mild = DirichletPartition.labelSkew(y, 10, DirichletPartition.split(y, 10, 100, 1, 0, 5));
    double strong = DirichletPartition.labelSkew(y, 10, DirichletPartition.split(y, 10, 100, 0.1, 0, 5));
    assertThat(iid).isLessThan(0.15);
    assertThat(mild).isGreaterThan(iid + 0.1);
    assertThat(strong).isGreaterThan(mild + 0.1).isGreaterThan(0.6);
  }

  @Test
  void sizesAreSkewedByTheirSigma() {
    int[] y = labels();
    int[] equal = Arrays.stream(DirichletPartition.split(y, 10, 100, 0.5, 0, 5)).mapToInt(p -> p.length).toArray();
    int[] skewed = Arrays.stream(DirichletPartition.split(y, 10, 100, 0.5, 1.0, 5)).mapToInt(p -> p.length).toArray();
    assertThat(Arrays.stream(equal).max().getAsInt() - Arrays.stream(equal).min().getAsInt()).isLessThanOrEqualTo(1);
    assertThat(Arrays.stream(skewed).max().getAsInt()).isGreaterThan(4 * Arrays.stream(skewed).min().getAsInt());
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> DirichletPartition.split(labels(), 10, 10, 0, 0, 1)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> DirichletPartition.split(new int[3], 10, 4, 1, 0, 1)).hasMessageContaining("devices");
  }
}
