package io.propius.bench.loadgen;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Latency of check-ins at a fixed rate, from a process of its own with one event loop
 * ({@link OpenLoopCheckins}), for {@code bench/checkin/run.sh}'s p99 at half of the peak. It prints
 * its own CPU per check-in too, so a run shows how much of the two cores the generator took.
 */
@Command(name = "open-loop", mixinStandardHelpOptions = true,
    description = "Send check-ins at a fixed rate (open loop) and print the latency percentiles.")
final class OpenLoopCommand implements Callable<Integer> {
  @Option(names = "--target", required = true, description = "host:port of the device API")
  String target;
  @Option(names = "--rate", required = true, description = "check-ins per second")
  double rate;
  @Option(names = "--connections", defaultValue = "64", description = "keep-alive connections (default ${DEFAULT-VALUE})")
  int connections;
  @Option(names = "--warmup", defaultValue = "5", description = "seconds at the rate before measuring (default ${DEFAULT-VALUE})")
  double warmupS;
  @Option(names = "--duration", defaultValue = "10", description = "measured seconds (default ${DEFAULT-VALUE})")
  double durationS;

  @Override
  public Integer call() throws Exception {
    if (!(rate > 0) || connections <= 0 || durationS <= 0) {
      throw new IllegalArgumentException("--rate, --connections and --duration must be above 0");
    }
    String[] hp = LoadGenCli.LoadGen.hostPort(target);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    OpenLoopCheckins load = new OpenLoopCheckins(vertx, hp[0], Integer.parseInt(hp[1]));
    CompletableFuture<Latencies> result = new CompletableFuture<>();
    long[] cpuAtStart = new long[1];
    vertx.setTimer((long) (warmupS * 1000), t -> cpuAtStart[0] = os.getProcessCpuTime());
    vertx.runOnContext(v -> load.run(connections, rate, warmupS, durationS, 10)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        }));
    Latencies l = result.get();
    long cpu = os.getProcessCpuTime() - cpuAtStart[0];
    vertx.close();
    System.out.printf(Locale.ROOT, "checkin  rate(%.0f/s)  %.0f ops/s  ok=%d failed=%d  %s  generator cpu %.1f us/check-in%n",
        rate, l.ok() / durationS, l.ok(), l.failed(), l.summary(), cpu / 1e3 / Math.max(1, load.scheduled()));
    return l.failed() == 0 ? 0 : 1;
  }
}
