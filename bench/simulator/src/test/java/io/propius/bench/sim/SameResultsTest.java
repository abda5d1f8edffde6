package io.propius.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The speed-ups of issue 19 must not change a result: a small run to the horizon, with an online,
 * a batched and a baseline method, gives the figures the simulator gave before them (commit
 * 02b453e, which handled every device's toggle to the horizon and kept each bucket's events in a
 * heap). The timing columns are left out.
 */
class SameResultsTest {
  private static final List<String> BEFORE = List.of(
      "propius-fifo,6000,20000,5103.3,5,3,5,0,0,4.275,0.01110,2.6842,1.017,1.764,2.20,0.0000,41311,1170383,356,15500,336,468050",
      "batch-irs,6000,20000,5092.6,5,3,5,0,0,4.339,0.01089,2.6449,1.052,1.828,3.34,0.0000,41311,0,348,15508,336,461819",
      "random,6000,20000,5102.6,5,3,5,0,0,4.279,0.01104,2.6816,1.016,1.768,2.96,0.0000,41311,1164019,333,15523,336,468065");

  @Test
  void aRunToTheHorizonGivesTheFiguresItGaveBefore(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("run.csv");
    PrintStream out = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      exit = new CommandLine(new SimulatorCli()).execute("run", "--devices", "20000", "--days", "2", "--jobs", "5",
          "--max-demand", "300", "--run-to-horizon", "--seed", "3", "--methods", "propius-fifo,batch-irs,random",
          "--csv", csv.toString());
    } finally {
      System.setOut(out);
    }
    assertThat(exit).isZero();
    List<String> rows = Files.readAllLines(csv).stream().skip(1)
        .map(line -> String.join(",", Arrays.copyOf(line.split(","), 22)))
        .toList();
    assertThat(rows).isEqualTo(BEFORE);
  }
}
