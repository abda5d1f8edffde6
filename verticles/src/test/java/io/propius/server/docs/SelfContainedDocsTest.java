package io.propius.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The repository's Markdown stands alone: no reference outside it, no relative link that leads nowhere. */
class SelfContainedDocsTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");

  private static List<Path> markdown() throws IOException {
    Path root = RepositoryFiles.root();
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> !root.relativize(p).toString().contains("target/"))
          .filter(p -> !root.relativize(p).startsWith(".git"))
          .toList();
    }
  }

  /** A relative path climbing out of its folder, in a link or in plain text. */
  private static final Pattern CLIMB = Pattern.compile("(?<![\\w./])((?:\\.\\./)+[\\w.-]+)");

  @Test
  void noDocumentPointsOutsideTheRepository() throws IOException {
    Path root = RepositoryFiles.root();
    // Where the checkout happens to sit on this machine: no document may name it or what sits beside it.
    // (Not the parent folder itself: a checkout in /tmp must not forbid writing about /tmp.)
    List<String> around;
    try (Stream<Path> beside = Files.list(root.toAbsolutePath().getParent())) {
      around = beside.map(p -> p.toAbsolutePath().toString()).toList();
    }
    for (Path file : markdown()) {
      String text = Files.readString(file);
      for (String place : around) {
        assertThat(text).as(file.toString()).doesNotContain(place + "/").doesNotContainPattern(
            Pattern.quote(place) + "(?![\\w.-])");
      }
      Matcher m = CLIMB.matcher(text);
      while (m.find()) {
        Path resolved = file.getParent().resolve(m.group(1)).normalize();
        assertThat(resolved.startsWith(root)).as(file + " refers outside the repository: " + m.group(1)).isTrue();
      }
    }
  }

  @Test
  void relativeLinksLeadToFilesOfTheRepository() throws IOException {
    for (Path file : markdown()) {
      Matcher m = LINK.matcher(Files.readString(file));
      while (m.find()) {
        String target = m.group(1);
        if (target.contains("://") || target.startsWith("mailto:")) {
          continue;
        }
        Path resolved = file.getParent().resolve(target).normalize();
        assertThat(resolved).as(file + " links to " + target).exists();
        assertThat(resolved.startsWith(RepositoryFiles.root())).as(file + " links outside: " + target).isTrue();
      }
    }
  }
}
