package io.propius.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.query.AttributeSource;
import io.propius.api.query.Constraints;
import io.propius.policy.portal.SampledClientPortal;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampledClientPortalTest {
  private static AttributeSource device(double cpu) {
    return name -> name.equals("cpu_cores") ? cpu : Double.NaN;
  }

  @Test
  void exactWhenTheSampleIsTheWindow() {
    SampledClientPortal p = SampledClientPortal.exact(List.of(device(1), device(2), device(4), device(8)));
    assertThat(p.size()).isEqualTo(4);
    assertThat(p.proportion(Constraints.of(Map.of("cpu_cores", 4.0), "c"))).isEqualTo(0.5);
    assertThat(p.subsetSize("cpu_cores in [2, 4]")).isEqualTo(2);
    assertThat(p.proportion(Constraints.NONE)).isEqualTo(1.0);
  }

  @Test
  void strataAreWeightedBySize() {
    // Window A: 1000 devices, sample all weak; window B: 3000 devices, sample all strong.
    List<AttributeSource> weak = new ArrayList<>();
    List<AttributeSource> strong = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      weak.add(device(1));
      strong.add(device(8));
    }
    SampledClientPortal p = new SampledClientPortal(List.of(new SampledClientPortal.Stratum(1_000, weak),
        new SampledClientPortal.Stratum(3_000, strong)));
    assertThat(p.size()).isEqualTo(4_000);
    assertThat(p.proportion(Constraints.of(Map.of("cpu_cores", 4.0), "c"))).isEqualTo(0.75);
    assertThat(p.subsetSize("cpu_cores < 4")).isEqualTo(1_000);
    assertThat(SampledClientPortal.exact(List.of()).proportion(Constraints.NONE)).isZero();
  }

  private static BitSet bits(int... set) {
    BitSet b = new BitSet();
    for (int i : set) {
      b.set(i);
    }
    return b;
  }

  @Test
  void partitionCountsDevicesByTheQueriesTheySatisfy() {
    SampledClientPortal p = SampledClientPortal.exact(List.of(device(1), device(2), device(4), device(8), device(8)));
    List<String> queries = List.of("cpu_cores >= 2", "cpu_cores >= 8", "cpu_cores < 2");
    Map<BitSet, Long> expected = Map.of(bits(0, 1), 2L, bits(0), 2L, bits(2), 1L);
    assertThat(p.partition(queries)).isEqualTo(expected);
    // The interface's default (one subsetSize per branch) agrees with the one-pass override.
    ClientPortal viaSubsets = new ClientPortal() {
      @Override
      public long size() {
        return p.size();
      }

      @Override
      public double proportion(Constraints c) {
        return p.proportion(c);
      }

      @Override
      public long subsetSize(String query) {
        return p.subsetSize(query);
      }
    };
    assertThat(viaSubsets.partition(queries)).isEqualTo(expected);
  }
}
