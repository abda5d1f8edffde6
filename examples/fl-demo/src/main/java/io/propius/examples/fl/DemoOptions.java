package io.propius.examples.fl;

import io.propius.client.job.JobTransportType;
import io.propius.examples.fl.data.FashionMnist;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Command-line settings of the demo. Without {@code --server} it starts an embedded server;
 * with it, it points the same jobs and devices at a running deployment.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Three federated jobs train on Fashion-MNIST through Propius: hundreds of simulated devices with"
        + " non-IID data, different speeds and flaky availability; prints one line per round, a summary table and"
        + " the path of fl-demo-report.png."})
public final class DemoOptions {
  /** Where the demo's data comes from. */
  public enum DataSource {
    FASHION_MNIST, SYNTHETIC;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--data", paramLabel = "SOURCE", converter = DataSourceConverter.class,
      description = "fashion-mnist (real images, default) or synthetic (Gaussian blobs, for fast tests)")
  DataSource data = DataSource.FASHION_MNIST;
  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}, Debian's dataset-fashion-mnist)")
  Path dataDir = FashionMnist.DEBIAN_DIR;
  @Option(names = "--alpha", paramLabel = "A",
      description = "Dirichlet concentration of each device's class mix: smaller is more skewed (default ${DEFAULT-VALUE})")
  double alpha = 0.5;
  @Option(names = "--devices", paramLabel = "N", description = "simulated devices (default ${DEFAULT-VALUE})")
  int devices = 300;
  @Option(names = "--rounds", paramLabel = "R", description = "rounds per job (default ${DEFAULT-VALUE})")
  int rounds = 20;
  @Option(names = "--round-ms", paramLabel = "MS",
      description = "time from publishing a round to its deadline (default ${DEFAULT-VALUE})")
  long roundMs = 2500;
  @Option(names = "--seed", paramLabel = "S", description = "seed of data split, devices and models (default ${DEFAULT-VALUE})")
  long seed = 7;
  @Option(names = "--policy", paramLabel = "NAME",
      description = "scheduling policy of the embedded server: irs, fifo, random, srsf, srtf, las, fair-share (default ${DEFAULT-VALUE})")
  String policy = "irs";
  @Option(names = "--report-dir", paramLabel = "DIR",
      description = "where fl-demo-report.png and .csv go (default: the working directory)")
  Path reportDir = Path.of(".");
  @Option(names = "--transport", paramLabel = "T", description = "GRPC or WEBSOCKET, for the jobs (default ${DEFAULT-VALUE})")
  JobTransportType transport = JobTransportType.GRPC;
  @Option(names = "--server", paramLabel = "HOST:PORT",
      description = "use a running server's job endpoint instead of an embedded one")
  String server;
  @Option(names = "--devices-url", paramLabel = "URL", description = "the running server's device endpoint (default http://HOST:8080)")
  String devicesUrl;
  @Option(names = "--data-plane", paramLabel = "URL", description = "its data-plane root (default http://HOST:8090)")
  String dataPlaneUrl;
  @Option(names = "--api-key", paramLabel = "KEY", description = "job API key, when the server requires one")
  String apiKey;

  /**
   * Checks what picocli's types cannot.
   *
   * @throws ParameterException naming the option and the value
   */
  void validate() {
    atLeast("--devices", devices, 1);
    atLeast("--rounds", rounds, 1);
    atLeast("--round-ms", roundMs, 100);
    if (!(alpha > 0)) {
      throw new ParameterException(spec.commandLine(), "--alpha must be > 0, got " + alpha);
    }
    if (server != null && !server.matches("[^:]+:\\d+")) {
      throw new ParameterException(spec.commandLine(), "--server must be HOST:PORT, got " + server);
    }
  }

  private void atLeast(String option, long n, long min) {
    if (n < min) {
      throw new ParameterException(spec.commandLine(), option + " must be at least " + min + ", got " + n);
    }
  }

  /** Accepts {@code fashion-mnist} and {@code synthetic}. */
  static final class DataSourceConverter implements picocli.CommandLine.ITypeConverter<DataSource> {
    @Override
    public DataSource convert(String value) {
      return DataSource.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
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

  public DemoOptions data(DataSource data) {
    this.data = data;
    return this;
  }

  public DemoOptions dataDir(Path dir) {
    this.dataDir = dir;
    return this;
  }

  public DemoOptions reportDir(Path dir) {
    this.reportDir = dir;
    return this;
  }

  public DemoOptions transport(JobTransportType transport) {
    this.transport = transport;
    return this;
  }
}
