package io.propius.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.regex.MatchResult;
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
    List<String> paths = PATH.matcher(RepositoryFiles.read("docs/ARCHITECTURE.md")).results()
        .map(m -> m.group(1)).toList();
    assertThat(paths).as("paths named").hasSizeGreaterThan(30);
    assertThat(paths).as("paths in docs/ARCHITECTURE.md")
        .allMatch(path -> Files.isRegularFile(RepositoryFiles.root().resolve(path)), "exist");
  }

  @Test
  void eachClassNamedWithItsPathIsDeclaredThere() {
    List<MatchResult> pairs = CLASS_AND_PATH.matcher(RepositoryFiles.read("docs/ARCHITECTURE.md")).results().toList();
    assertThat(pairs).as("classes named with their path").hasSizeGreaterThan(20);
    assertThat(pairs).as("class names and their paths in docs/ARCHITECTURE.md")
        .allMatch(m -> m.group(2).endsWith("/" + m.group(1) + ".java"), "name the same class");
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
