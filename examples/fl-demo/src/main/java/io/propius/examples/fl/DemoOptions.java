package io.propius.examples.fl;

import io.propius.client.job.JobTransportType;

/**
 * Command-line settings of the demo. Without {@code --server} it starts an embedded server;
 * with it, it points the same jobs and devices at a running deployment.
 */
public final class DemoOptions {
  int devices = 300;
  int rounds = 15;
  long seed = 7;
  long roundMs = 2500;
  String server;
  String devicesUrl;
  String dataPlaneUrl;
  String apiKey;
  JobTransportType transport = JobTransportType.GRPC;

  static final String USAGE = """
      usage: java -jar fl-demo.jar [options]
        --devices N          simulated devices (default 300)
        --rounds R           rounds per job (default 15)
        --round-ms MS        time from publishing a round to its deadline (default 2500)
        --seed S             seed of data, devices and models (default 7)
        --transport T        grpc | websocket, for the jobs (default grpc)
        --server HOST:PORT   use a running server's job endpoint instead of an embedded one
        --devices-url URL    its device endpoint (default http://HOST:8080)
        --data-plane URL     its data-plane root (default http://HOST:8090)
        --api-key KEY        job API key, when the server requires one
      """;

  static DemoOptions parse(String[] args) {
    DemoOptions o = new DemoOptions();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        throw new IllegalArgumentException("");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--devices" -> o.devices = positive(a, v);
        case "--rounds" -> o.rounds = positive(a, v);
        case "--round-ms" -> o.roundMs = positive(a, v);
        case "--seed" -> o.seed = Long.parseLong(v);
        case "--transport" -> o.transport = JobTransportType.valueOf(v.toUpperCase(java.util.Locale.ROOT));
        case "--server" -> o.server = v;
        case "--devices-url" -> o.devicesUrl = v;
        case "--data-plane" -> o.dataPlaneUrl = v;
        case "--api-key" -> o.apiKey = v;
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (o.server != null && !o.server.matches("[^:]+:\\d+")) {
      throw new IllegalArgumentException("--server must be HOST:PORT, got " + o.server);
    }
    return o;
  }

  private static int positive(String option, String value) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number, got " + value);
    }
    if (n < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, got " + n);
    }
    return n;
  }

  public DemoOptions devices(int devices) {
    this.devices = devices;
    return this;
  }

  public DemoOptions rounds(int rounds) {
    this.rounds = rounds;
    return this;
  }

  public DemoOptions roundMs(long roundMs) {
    this.roundMs = roundMs;
    return this;
  }

  public DemoOptions transport(JobTransportType transport) {
    this.transport = transport;
    return this;
  }
}
