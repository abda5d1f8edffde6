package io.propius.server.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where a remote command goes, with what key, and how it prints. */
final class RemoteOptions {
  /** The command this is mixed into: where its output goes. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:PROPIUS_SERVER:-http://localhost:9400}",
      description = "the node's admin API (env PROPIUS_SERVER; default ${DEFAULT-VALUE})")
  String server;

  @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:PROPIUS_ADMIN_KEY}",
      description = "operator key, sent as a bearer token (env PROPIUS_ADMIN_KEY)")
  String key;

  @Option(names = "--json", description = "print the server's JSON instead of a table")
  boolean json;

  /** Prints {@code body} as JSON with {@code --json}, else the table made from it. */
  void print(JsonObject body, Function<JsonObject, Table> table) {
    PrintWriter out = out();
    if (json) {
      out.println(body.encodePrettily());
    } else {
      table.apply(body).print(out);
    }
    out.flush();
  }

  PrintWriter out() {
    return command.commandLine().getOut();
  }

  AdminClient client() {
    return new AdminClient(server, key);
  }
}
