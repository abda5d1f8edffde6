package io.propius.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
    @Option(names = "--query", paramLabel = "Q", defaultValue = "", description = "e.g. 'cpu_cores >= 4' (default: all)")
    String query;

    @Override
    public Integer call() {
      remote.print(remote.client().get("/v1/admin/devices" + (query.isBlank() ? "" : "?query="
          + AdminClient.encode(query))), Table::fields);
      return 0;
    }
  }
}
