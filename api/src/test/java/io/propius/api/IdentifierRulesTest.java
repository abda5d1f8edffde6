package io.propius.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.device.DeviceIds;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Device ids and attribute names are checked by hand-written loops (every check-in checks them);
 * they accept exactly what the documented patterns {@link DeviceIds#VALID} and
 * {@link AttributeNames#VALID} match.
 */
class IdentifierRulesTest {
  @Test
  void checksAcceptExactlyWhatThePatternsMatch() {
    SplittableRandom random = new SplittableRandom(19);
    String alphabet = "azAZ09._:-_ !\"\\é/\u0000\u007f";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(4) == 0 ? random.nextInt(60, 140) : random.nextInt(0, 8);
      for (int c = 0; c < length; c++) {
        s.append(random.nextInt(3) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
            : (char) random.nextInt('0', 'z' + 1));
      }
      String text = s.toString();
      assertThat(accepts(DeviceIds::check, text)).as(text).isEqualTo(matches(DeviceIds.VALID, text));
      assertThat(accepts(name -> AttributeNames.check(name, "attributes"), text)).as(text)
          .isEqualTo(matches(AttributeNames.VALID, text));
    }
    assertThat(accepts(DeviceIds::check, null)).isFalse();
    assertThat(accepts(name -> AttributeNames.check(name, "attributes"), null)).isFalse();
  }

  private static boolean matches(Pattern pattern, String text) {
    return pattern.matcher(text).matches();
  }

  private static boolean accepts(Consumer<String> check, String text) {
    try {
      check.accept(text);
      return true;
    } catch (PropiusException e) {
      return false;
    }
  }
}
