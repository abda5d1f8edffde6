package io.propius.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/ARCHITECTURE.md names the classes a newcomer looks for (the check-in handler, the
 * reservation, the policy call, the upload path) with their paths: they must be there.
 */
class ArchitectureDocTest {
  private static final Pattern PATH = Pattern.compile("`([\\w-]+(?:/[\\w.-]+)+\\.(?:java|lua))`");
  private static final Pattern CLASS_AND_PATH =
      Pattern.compile("`(\\w+)(?:\\.\\w+)?`(?: \\| | in | \\(| is in )`([\\w-]+(?:/[\\w.-]+)+\\.java)`");

  @Test
  void everyPathNamedExists() {
    String doc = RepositoryFiles.read("docs/ARCHITECTURE.md");
    List<String> missing = new ArrayList<>();
    Matcher m = PATH.matcher(doc);
    int paths = 0;
    while (m.find()) {
      paths++;
      if (!Files.isRegularFile(RepositoryFiles.root().resolve(m.group(1)))) {
        missing.add(m.group(1));
      }
    }
    assertThat(paths).as("paths named").isGreaterThan(30);
    assertThat(missing).as("paths in docs/ARCHITECTURE.md that do not exist").isEmpty();
  }

  @Test
  void eachClassNamedWithItsPathIsDeclaredThere() {
    String doc = RepositoryFiles.read("docs/ARCHITECTURE.md");
    List<String> wrong = new ArrayList<>();
    Matcher m = CLASS_AND_PATH.matcher(doc);
    int pairs = 0;
    while (m.find()) {
      pairs++;
      String file = m.group(2);
      if (!file.endsWith("/" + m.group(1) + ".java")) {
        wrong.add(m.group(1) + " -> " + file);
      }
    }
    assertThat(pairs).as("classes named with their path").isGreaterThan(20);
    assertThat(wrong).as("class names that do not match their path").isEmpty();
  }

  @Test
  void theFourPlacesANewcomerLooksForAreNamed() {
    String doc = RepositoryFiles.read("docs/ARCHITECTURE.md");
    assertThat(doc).contains(
        "`ClientManagerVerticle.checkin` in `verticles/src/main/java/io/propius/server/device/ClientManagerVerticle.java`",
        "`JobStore.reserve` in `verticles/src/main/java/io/propius/server/store/JobStore.java`",
        "`SchedulerVerticle` in `verticles/src/main/java/io/propius/server/scheduler/SchedulerVerticle.java`",
        "`EdgeNode.upload` (`edge-cache/src/main/java/io/propius/edge/EdgeNode.java`)");
  }
}
