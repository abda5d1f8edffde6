package io.propius.bench.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The data-plane benchmark at its smallest setting (CI smoke run): a real journaled leaf process,
 * nginx and a real discard-sink process on free ports, loaded over real connections. The load generator
 * fails the run on any refused upload, so a report at all means every upload was accepted.
 */
class DataPlaneBenchSmokeTest {
  private static final Pattern ROW = Pattern.compile("\\| upload \\+ aggregate \\(journaled leaf\\), 7850 float32"
      + " \\(30 KB\\), 4 concurrent \\| (\\d+) uploads/s, [0-9.]+ MB/s; CPU each: leaf (\\d+) µs \\(\\d+ µs/MB\\),"
      + " load generator (\\d+) µs \\| discard sink (\\d+) uploads/s, [0-9.]+ MB/s; CPU each: sink (\\d+) µs"
      + " \\(\\d+ µs/MB\\), load generator (\\d+) µs \\| ([0-9.]+)×");
  private static final Pattern PLAN = Pattern.compile("\\| plan download 1 MB, 2 concurrent \\| (\\d+) MB/s; CPU: leaf"
      + " (\\d+) µs/MB, load generator (\\d+) µs/MB \\| nginx (\\d+) MB/s; CPU: nginx (\\d+) µs/MB,"
      + " load generator (\\d+) µs/MB \\| ([0-9.]+)×");
  private static final Pattern COMMITS = Pattern.compile(
      "journaled leaf, 30 KB, 4 concurrent: ([0-9.]+) uploads per group commit, (\\d+) µs per commit");

  @Test
  void plansAndUploadsOfALeafProcessAreMeasuredAgainstNginxAndASinkProcessWithEachServersCpu() throws Exception {
    String report = DataPlaneBench.run("--sizes-mb", "1", "--concurrency", "2", "--seconds", "1",
        "--warmup-seconds", "1", "--upload-concurrency", "4", "--repeats", "1");

    assertThat(report).as("a leaf without the module").contains("The leaf folds float32 with the scalar fold.");
    Matcher plan = PLAN.matcher(report);
    assertThat(plan.find()).as(report).isTrue();
    for (int g = 1; g <= 6; g++) {
      assertThat(Long.parseLong(plan.group(g))).isPositive();
    }

    Matcher row = ROW.matcher(report);
    assertThat(row.find()).as(report).isTrue();
    long leafRate = Long.parseLong(row.group(1));
    long sinkRate = Long.parseLong(row.group(4));
    assertThat(leafRate).isPositive();
    assertThat(sinkRate).isPositive();
    // Each server's CPU is its own process's, read from the OS: a leaf that did the work used some.
    assertThat(Long.parseLong(row.group(2))).isPositive();
    assertThat(Long.parseLong(row.group(5))).isPositive();
    assertThat(Double.parseDouble(row.group(7))).isCloseTo((double) leafRate / sinkRate,
        Assertions.within(0.02));
    // Read back from the leaf process's /metrics: its uploads went through group commits.
    Matcher commits = COMMITS.matcher(report);
    assertThat(commits.find()).as(report).isTrue();
    assertThat(Double.parseDouble(commits.group(1))).isBetween(1.0, 4.0);
  }

  @Test
  void withVectorFoldTheLeafsJvmHasTheModuleAndFoldsWithVectors() throws Exception {
    String report = DataPlaneBench.run("--sizes-mb", "none", "--seconds", "1", "--warmup-seconds", "1",
        "--upload-concurrency", "4", "--repeats", "1", "--vector-fold", "--server-cpus", "0");
    assertThat(report).contains("The leaf folds float32 with the vector fold.");
    assertThat(report).as("the servers started under taskset").contains("The servers' JVMs run on CPUs 0 only;");
    assertThat(ROW.matcher(report).find()).as(report).isTrue();
  }

  @Test
  void theUploadWorkCostIsPrintedForEveryStep() {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertThat(new CommandLine(new UploadWorkCost()).execute("--values", "1024", "--mb", "1", "--rounds", "2",
          "--in-flight", "3"))
          .isZero();
    } finally {
      System.setOut(stdout);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("\\| 1024 \\(4 KB\\) \\|( \\d+ \\(\\d+–\\d+\\) \\|){6}");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("fold, 3 in flight;");
  }

  @Test
  void theJournalWriteCostIsPrintedForEveryWayAndTheHandOff(@TempDir Path dir) throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertThat(new CommandLine(new JournalWriteCost()).execute("--file-mb", "2", "--ticks", "20", "--rounds", "1",
          "--dir", dir.toString())).isZero();
    } finally {
      System.setOut(stdout);
    }
    String report = out.toString(StandardCharsets.UTF_8);
    for (String way : new String[] {"appended to a growing file", "preallocated: zero-fill", "preallocated: overwrite",
        "mapped (zero-filled, touched): copy", "timer and a hand-off to the worker and back", "timer alone"}) {
      assertThat(report).as(report).containsPattern(Pattern.quote(way) + " +[0-9.]+ \\([0-9.]+–[0-9.]+\\)");
    }
    // Its files are removed after each measurement.
    try (var left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void anUnknownUploadTargetIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(() -> DataPlaneBench.run("--uploads", "memory"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--uploads is journaled, unjournaled or none");
  }
}
