package io.propius.examples.fl;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.examples.fl.job.RoundReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo on a small setting, embedded server included: both jobs must learn. */
class FlDemoTest {
  @Test
  void bothJobsLearnThroughPropius() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    List<FlDemo.JobOutcome> outcomes = FlDemo.run(new DemoOptions().devices(80).rounds(5).roundMs(1500), out);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(printed);

    assertThat(outcomes).hasSize(2);
    for (FlDemo.JobOutcome o : outcomes) {
      List<RoundReport> reports = o.job().reports();
      assertThat(reports).hasSize(5);
      assertThat(reports.stream().filter(r -> r.contributors() > 0).count()).as("rounds with results").isGreaterThan(2);
      assertThat(o.finalAccuracy()).as("final accuracy of %s", o.job().settings().spec().name())
          .isGreaterThan(o.initialAccuracy() + 0.15).isGreaterThan(o.chance() + 0.15);
    }
    assertThat(printed).contains("round  5/5", "acc end");
  }

  @Test
  void badOptionsAreNamed() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--devices", "0"}))
        .hasMessageContaining("--devices must be at least 1");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--server", "nohost"}))
        .hasMessageContaining("HOST:PORT");
  }
}
