package io.propius.client.testing;

import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.TestServer;

/** The server's test options with the quicker retries and ticks the SDK's tests wait on. */
public final class QuickOptions {
  private QuickOptions() {
  }

  public static PropiusOptions options() {
    PropiusOptions options = TestServer.testOptions();
    options.devices().setRetryMinMs(50).setRetryMaxMs(500);
    options.scheduler().setTickMs(100);
    return options;
  }
}
