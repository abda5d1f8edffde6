package io.propius.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Partial pushes between nodes as they arrive (header text and body bytes), random and near-valid:
 * each is read or refused with INVALID_ARGUMENT, never another exception, and what is read has a
 * version, contributors and weight a parent can add up.
 */
class PartialUpdateFuzzTest {
  @Property(tries = 400)
  void aPushIsReadOrRefusedWithInvalidArgument(@ForAll("nodes") String node, @ForAll("numbers") String version,
                                               @ForAll("numbers") String contributors, @ForAll("numbers") String weight,
                                               @ForAll("bodies") byte[] body) {
    try {
      PartialUpdate update = PartialUpdate.parse(node, version, contributors, weight, body);
      assertThat(update.version()).isNotNegative();
      assertThat(update.contributors()).isNotNegative();
      assertThat(update.weight()).isFinite().isNotNegative();
    } catch (PropiusException refused) {
      assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
  }

  /** Were accepted before the push was parsed in one place, and would have poisoned the parent's aggregate. */
  @Example
  void aNonFiniteOrNegativeWeightAndNegativeCountsAreRefused() {
    byte[] state = Tensors.encode(new double[] {1, 2}, DType.FLOAT64);
    for (String[] bad : new String[][] {{"1", "1", "NaN"}, {"1", "1", "Infinity"}, {"1", "1", "-2"}, {"-1", "1", "1"},
        {"1", "-5", "1"}}) {
      assertThatThrownBy(() -> PartialUpdate.parse("leaf-1", bad[0], bad[1], bad[2], state))
          .isInstanceOfSatisfying(PropiusException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
    assertThat(PartialUpdate.parse("leaf-1", "3", "3", "2.5", state).state()).containsExactly(1, 2);
  }

  @Provide
  Arbitrary<String> nodes() {
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200), Arbitraries.of("leaf-1", "parent.eu:2"));
  }

  @Provide
  Arbitrary<String> numbers() {
    return Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf), Arbitraries.doubles().map(String::valueOf),
        Arbitraries.of("NaN", "-Infinity", "Infinity", "0x10", "1e400", "99999999999999999999", " 1", "", "-0"),
        Arbitraries.strings().ofMaxLength(20));
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> valid = Arbitraries.doubles().array(double[].class).ofMaxSize(6)
        .map(values -> Tensors.encode(values, DType.FLOAT64));
    return Arbitraries.oneOf(valid, Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
        valid.map(bytes -> Arrays.copyOf(bytes, Math.max(0, bytes.length - 3))));
  }
}
