package io.propius.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.server.config.PropiusOptions;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/CONFIGURATION.md lists exactly the keys {@link PropiusOptions} has, so neither can drift. */
class ConfigurationDocTest {
  /** A table row's first cell: one key, {@code section.key}. */
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-zA-Z]+\\.[a-zA-Z]+)` \\|");

  @Test
  void everyKeyIsDocumentedAndEveryDocumentedKeyExists() {
    Set<String> inCode = new TreeSet<>();
    JsonObject sections = new PropiusOptions().toJson();
    // Two levels: a section, then its keys; a key whose value is an object (a map) is one setting.
    for (String section : sections.fieldNames()) {
      sections.getJsonObject(section).fieldNames().forEach(key -> inCode.add(section + "." + key));
    }
    Set<String> documented = new TreeSet<>();
    Matcher m = ROW.matcher(RepositoryFiles.read("docs/CONFIGURATION.md"));
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).as("keys in docs/CONFIGURATION.md").containsExactlyInAnyOrderElementsOf(inCode);
  }
}
