package io.propius.examples.fl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.propius.examples.fl.data.FashionMnist;
import io.propius.examples.fl.job.FederatedJob;
import io.propius.examples.fl.job.RoundReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo at a small setting, embedded server included. */
class FlDemoTest {
  @Test
  void everyJobLearnsFashionMnistThroughPropius(@TempDir Path reports) throws Exception {
    assumeTrue(FashionMnist.present(FashionMnist.DEBIAN_DIR), "dataset-fashion-mnist is installed (.ci/run installs it)");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    FlDemo.Result result = FlDemo.run(new DemoOptions().devices(90).rounds(4).roundMs(2000).reportDir(reports), out);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(printed);

    assertThat(result.printedLabel()).isEmpty();
    assertThat(printed).contains("Fashion-MNIST from", "Dirichlet(alpha=0.5)").doesNotContain("synthetic");
    assertThat(result.jobs()).extracting(j -> j.settings().modeLabel())
        .containsExactly("sync+deadline", "overselect+1", "async,stale<=2");
    Map<String, String> lastCsvAccuracy = lastAccuracies(Files.readAllLines(result.csv()));
    for (int i = 0; i < result.jobs().size(); i++) {
      FederatedJob job = result.jobs().get(i);
      String name = job.settings().name();
      List<RoundReport> rounds = job.reports();
      assertThat(rounds).hasSize(4);
      assertThat(rounds.stream().filter(r -> r.contributors() > 0).count()).as("rounds of %s with results", name)
          .isGreaterThanOrEqualTo(2);
      // Ten classes: chance is 0.1; four rounds of FedAvg on skewed shards get well above it (on a
      // quiet machine about 0.6 for the softmax regressions, 0.5 for the MLP).
      assertThat(job.finalAccuracy()).as("final accuracy of %s", name).isGreaterThan(result.chance().get(i) + 0.2);
      String row = tableRow(printed, name);
      String[] cells = row.trim().split("\\s+");
      assertThat(cells[cells.length - 3]).as("acc end of %s in the table", name)
          .isEqualTo(String.format(Locale.ROOT, "%.3f", job.finalAccuracy()))
          .isEqualTo(String.format(Locale.ROOT, "%.3f", Double.parseDouble(lastCsvAccuracy.get(name))));
    }
    assertThat(result.png()).exists().isRegularFile();
    assertThat(Files.size(result.png())).isGreaterThan(10_000);
    assertThat(printed).contains("report: " + result.png());
  }

  @Test
  void withoutTheDataItSaysSoAndLabelsEveryLineSynthetic(@TempDir Path reports) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    FlDemo.Result result = FlDemo.run(new DemoOptions().dataDir(reports.resolve("nothing-here")).devices(40).rounds(2)
        .roundMs(1200).reportDir(reports), out);
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    System.out.println(String.join("\n", lines));
    assertThat(lines.get(0)).contains("Fashion-MNIST is not in", "using synthetic data instead");
    assertThat(lines).allMatch(l -> l.startsWith("[synthetic] "));
    assertThat(result.jobs()).hasSize(3).allMatch(j -> j.reports().size() == 2);
  }

  @Test
  void badOptionsGetUsageAndExitCode2() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new FlDemo.Command()).setErr(new PrintWriter(err));
    assertThat(cli.execute("--devices", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--devices must be at least 1", "Usage: demo");
    err.getBuffer().setLength(0);
    assertThat(cli.execute("--server", "nohost")).isEqualTo(2);
    assertThat(err.toString()).contains("HOST:PORT");
    err.getBuffer().setLength(0);
    assertThat(cli.execute("--data", "imagenet")).isEqualTo(2);
    assertThat(err.toString()).contains("--data");
  }

  private static String tableRow(String printed, String job) {
    return printed.lines().filter(l -> l.startsWith(job + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no table row for " + job));
  }

  private static Map<String, String> lastAccuracies(List<String> csv) {
    List<String> header = List.of(csv.get(0).split(","));
    int job = header.indexOf("job");
    int accuracy = header.indexOf("accuracy");
    Map<String, String> last = new HashMap<>();
    csv.stream().skip(1).map(l -> l.split(",")).forEach(cells -> last.put(cells[job], cells[accuracy]));
    return last;
  }
}
