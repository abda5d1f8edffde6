package io.propius.server.cli;

import io.propius.server.Main;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code propius server [--config FILE]}: starts a node. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Start a Propius node (everything in one JVM by default).",
        "Settings come from FILE (JSON), then PROPIUS_* environment variables (PROPIUS_CONFIG names the file)."})
final class ServerCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "JSON configuration file")
  Path config;

  @Override
  public Integer call() {
    return Main.serve(config);
  }
}
