package io.propius.server.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code propius devices count --query Q}. */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "The devices checking in.",
    subcommands = DevicesCommand.Count.class)
final class DevicesCommand {
  private DevicesCommand() {
  }

  @Command(name = "count", mixinStandardHelpOptions = true,
      description = "How many recently seen devices match a query of public attributes (the clients portal's subsetSize).")
  static final class Count implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;
    @Spec
    CommandSpec spec;
    @Option(names = "--query", paramLabel = "Q", defaultValue = "", description = "e.g. 'cpu_cores >= 4' (default: all)")
    String query;

    @Override
    public Integer call() {
      JsonObject body = remote.client().get("/v1/admin/devices" + (query.isBlank() ? "" : "?query="
          + AdminClient.encode(query)));
      PrintWriter out = spec.commandLine().getOut();
      if (remote.json) {
        out.println(body.encodePrettily());
      } else {
        Table t = new Table("FIELD", "VALUE");
        body.forEach(e -> t.row(e.getKey(), e.getValue()));
        t.print(out);
      }
      out.flush();
      return 0;
    }
  }
}
