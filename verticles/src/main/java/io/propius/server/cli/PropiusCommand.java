package io.propius.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root of the {@code propius} command line. */
@Command(name = "propius", mixinStandardHelpOptions = true, version = "propius 0.1.0",
    description = "Propius: a resource manager for federated learning. Start a node, or operate a running one"
        + " through its admin API.",
    subcommands = {ServerCommand.class, JobsCommand.class, DevicesCommand.class, PolicyCommand.class,
        EdgeCommand.class},
    footer = {"", "The launcher script adds: propius demo [--help]  (the FL demo on Fashion-MNIST).",
        "Remote commands take --server URL (env PROPIUS_SERVER, default http://localhost:9400) and --key KEY"
            + " (env PROPIUS_ADMIN_KEY)."})
public final class PropiusCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
  }

  /** The command line with Propius's exit codes: 2 for a usage error, 1 for a failed remote call. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new PropiusCommand());
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof AdminClient.AdminCallException e) {
        commandLine.getErr().println("propius: " + e.getMessage());
        commandLine.getErr().flush();
        return 1;
      }
      throw ex;
    });
    return cli;
  }
}
