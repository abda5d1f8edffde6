package io.propius.server.config;

/** The operator endpoint: Prometheus metrics, health, admin API. */
public final class AdminOptions {
  private String host = "0.0.0.0";
  private int port = 9400;

  public String getHost() {
    return host;
  }

  public AdminOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  public AdminOptions setPort(int port) {
    this.port = port;
    return this;
  }

  void validate() {
    Checks.port("admin.port", port);
  }
}
