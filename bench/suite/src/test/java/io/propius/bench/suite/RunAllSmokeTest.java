package io.propius.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Keeps every benchmark command working: runs {@code bench/run-all.sh smoke} against the jars this build
 * just packaged. The numbers of a smoke run mean nothing and are not asserted; what is asserted is that
 * each benchmark ran to its end and printed its verdict line.
 */
class RunAllSmokeTest {
  private static final List<String> BENCHMARKS =
      List.of("checkin", "binding", "dataplane", "tls", "ratelimit", "leaf", "simulator", "cluster", "med");

  @Test
  void everyBenchmarkRunsAtItsSmallestSettingAndPrintsItsVerdict() throws IOException, InterruptedException {
    Path root = Path.of("../..").toAbsolutePath().normalize();
    Path log = Files.createTempFile("run-all-smoke", ".log");
    Process run = new ProcessBuilder("bash", "bench/run-all.sh", "smoke").directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = run.waitFor(12, TimeUnit.MINUTES);
    if (!finished) {
      run.descendants().forEach(ProcessHandle::destroyForcibly);
      run.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);
    assertThat(finished).as("run-all.sh smoke finished within 12 minutes").isTrue();
    assertThat(run.exitValue()).as("exit status of run-all.sh smoke; output:%n%s", output).isZero();
    for (String name : BENCHMARKS) {
      assertThat(output).as("a verdict row of %s", name).containsPattern("(?m)^\\| " + name + " \\|");
    }
    assertThat(output).doesNotContain("FAILED").doesNotContain("printed no verdict");
  }
}
