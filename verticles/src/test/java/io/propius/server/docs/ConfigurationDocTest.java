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
  /** A table row's first cell: one key, {@code section.key} or deeper ({@code devices.rateLimit.maxKeys}). */
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-zA-Z]+(?:\\.[a-zA-Z]+)+)` \\|");
  /** A port's own TLS section ({@code jobs.tls}) takes the keys of the global one, documented once. */
  private static final Pattern PORT_TLS = Pattern.compile("^([a-zA-Z]+)\\.tls\\.([a-zA-Z]+)$");

  @Test
  void everyKeyIsDocumentedAndEveryDocumentedKeyExists() {
    Set<String> inCode = new TreeSet<>();
    JsonObject sections = new PropiusOptions().toJson();
    for (String section : sections.fieldNames()) {
      leaves(section, sections.getJsonObject(section), inCode);
    }
    String doc = RepositoryFiles.read("docs/CONFIGURATION.md");
    Set<String> documented = new TreeSet<>();
    Matcher m = ROW.matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> portTls = new TreeSet<>();
    for (String key : inCode) {
      Matcher port = PORT_TLS.matcher(key);
      if (port.matches()) {
        portTls.add(key);
        assertThat(doc).as(key).contains("`" + port.group(1) + ".tls`");
        assertThat(documented).as(key).contains("tls." + port.group(2));
      }
    }
    inCode.removeAll(portTls);
    assertThat(documented).as("keys in docs/CONFIGURATION.md").containsExactlyInAnyOrderElementsOf(inCode);
  }

  /** The settings under {@code path}: an empty object (a map such as policyOptions) is one setting. */
  private static void leaves(String path, JsonObject node, Set<String> out) {
    for (String key : node.fieldNames()) {
      Object value = node.getValue(key);
      if (value instanceof JsonObject child && !child.isEmpty()) {
        leaves(path + "." + key, child, out);
      } else {
        out.add(path + "." + key);
      }
    }
  }
}
