package io.propius.server;

import io.propius.server.config.PropiusOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.logging.LogManager;

/**
 * {@code java -jar propius.jar [--config FILE]}: the whole control plane in one JVM on the embedded
 * defaults. Configuration: the file, then {@code PROPIUS_*} environment variables (docs/CONFIGURATION.md).
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    configureLogging();
    Path config = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config", "-c" -> {
          if (i + 1 == args.length) {
            exit("--config needs a file name");
          }
          config = Path.of(args[++i]);
        }
        case "--help", "-h" -> {
          System.out.println("usage: java -jar propius.jar [--config FILE]\n"
              + "Settings come from FILE (JSON) and PROPIUS_* environment variables; see docs/CONFIGURATION.md.");
          return;
        }
        default -> exit("unknown argument '" + args[i] + "' (try --help)");
      }
    }
    if (config == null && System.getenv("PROPIUS_CONFIG") != null) {
      config = Path.of(System.getenv("PROPIUS_CONFIG"));
    }
    PropiusOptions options;
    try {
      options = PropiusOptions.load(config, System.getenv());
    } catch (IllegalArgumentException e) {
      exit("configuration error: " + e.getMessage());
      return;
    }
    PropiusServer.start(options, PropiusServer.newRegistry()).onSuccess(server -> {
      System.out.println(server.describe());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close().toCompletionStage().toCompletableFuture()
          .join()));
    }).onFailure(err -> {
      System.err.println("Propius failed to start: " + err.getMessage());
      System.exit(1);
    });
  }

  private static void exit(String message) {
    System.err.println(message);
    System.exit(2);
  }

  /** One line per record unless the user brings a java.util.logging configuration. */
  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream in = Main.class.getResourceAsStream("/propius-logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    } catch (IOException e) {
      System.err.println("cannot read logging configuration: " + e.getMessage());
    }
  }
}
