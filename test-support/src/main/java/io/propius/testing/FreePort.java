package io.propius.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** A port nothing listens on right now, for external processes that cannot take port 0. */
public final class FreePort {
  private FreePort() {
  }

  public static int find() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
