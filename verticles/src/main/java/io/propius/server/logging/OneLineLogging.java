package io.propius.server.logging;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/**
 * Propius's log format, one line per record ({@code 2026-12-06 21:00:00.123 INFO logger: message}),
 * for the server and every program that embeds it.
 */
public final class OneLineLogging {
  private OneLineLogging() {
  }

  /** Installs the format unless the user brings a {@code java.util.logging} configuration. */
  public static void install() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    try (InputStream in = OneLineLogging.class.getResourceAsStream("/propius-logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    } catch (IOException e) {
      System.err.println("cannot read logging configuration: " + e.getMessage());
    }
  }
}
