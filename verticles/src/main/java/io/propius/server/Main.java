package io.propius.server;

import io.propius.server.cli.PropiusCommand;
import io.propius.server.config.PropiusOptions;
import io.propius.server.logging.OneLineLogging;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * {@code java -jar propius.jar COMMAND}: the {@code propius} command line ({@link PropiusCommand}).
 * Without arguments it starts a server, as {@code propius server} does: the whole control plane in
 * one JVM on the embedded defaults; configuration from the file, then {@code PROPIUS_*} environment
 * variables.
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    OneLineLogging.install();
    boolean serving = args.length == 0 || args[0].equals("server");
    int code = PropiusCommand.commandLine().execute(args.length == 0 ? new String[] {"server"} : args);
    // A started node keeps the JVM alive; every other command ends with its exit code.
    if (code != 0 || !serving || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.exit(code);
    }
  }

  /**
   * Starts a node and returns; the JVM keeps running until it is stopped (a shutdown hook undeploys).
   *
   * @param config a JSON file, or null for {@code PROPIUS_CONFIG} or the defaults
   * @return 0, or 2 for a configuration error (printed)
   */
  public static int serve(Path config) {
    if (config == null && System.getenv("PROPIUS_CONFIG") != null) {
      config = Path.of(System.getenv("PROPIUS_CONFIG"));
    }
    PropiusOptions options;
    try {
      options = PropiusOptions.load(config, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      return 2;
    }
    PropiusServer.start(options, PropiusServer.newRegistry()).onSuccess(server -> {
      System.out.println(server.describe());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close().toCompletionStage().toCompletableFuture()
          .join()));
    }).onFailure(err -> {
      System.err.println("Propius failed to start: " + err.getMessage());
      System.exit(1);
    });
    return 0;
  }
}
