package io.propius.bench.loadgen;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Jobs that keep a round open on a running server, so its check-ins carry offers (signed tokens)
 * while an external load generator drives them: registers them, writes a real check-in response to
 * a file once offers appear, then only heartbeats until killed.
 */
@Command(name = "hold-jobs", mixinStandardHelpOptions = true,
    description = "Register jobs with an open round on a running server and keep them alive until killed.")
final class HoldJobsCommand implements Callable<Integer> {
  @Option(names = "--server-devices", required = true, description = "host:port of the server's device API")
  String serverDevices;
  @Option(names = "--server-jobs", required = true, description = "host:port of the server's job API (gRPC)")
  String serverJobs;
  @Option(names = "--jobs", defaultValue = "4", description = "jobs (default ${DEFAULT-VALUE})")
  int jobs;
  @Option(names = "--demand", defaultValue = "10000", description = "devices each round asks for; check-ins alone never fill it (default ${DEFAULT-VALUE})")
  int demand;
  @Option(names = "--sample-out", required = true, description = "where to write a check-in response with offers")
  Path sampleOut;

  @Override
  public Integer call() throws Exception {
    String[] devices = LoadGenCli.LoadGen.hostPort(serverDevices);
    String[] jobApi = LoadGenCli.LoadGen.hostPort(serverJobs);
    Vertx vertx = Vertx.vertx();
    // Polled once a second: heartbeats only, as nothing here fills a round.
    JobDriver driver = new JobDriver(vertx, jobApi[0], Integer.parseInt(jobApi[1]), demand, 1_000);
    DeviceLoad probe = new DeviceLoad(vertx, devices[0], Integer.parseInt(devices[1]), 0, 1);
    // Started alongside the server: retried until its APIs answer (the jobs registered only once).
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    Buffer sample = null;
    while (sample == null) {
      try {
        if (driver.jobIds().isEmpty()) {
          LoadGenCli.await(driver.start(jobs));
        }
        sample = LoadGenCli.LoadGen.awaitOffers(probe);
      } catch (IllegalStateException notUpYet) {
        if (System.nanoTime() > deadline) {
          throw notUpYet;
        }
        Thread.sleep(100);
      }
    }
    LoadGenCli.await(probe.close());
    // Whole or not at all: a bare endpoint may be waiting for this file.
    Path partial = sampleOut.resolveSibling(sampleOut.getFileName() + ".partial");
    Files.write(partial, sample.getBytes());
    Files.move(partial, sampleOut, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("jobs " + driver.jobIds() + " open; a check-in answers " + sample.length() + " bytes");
    Thread.currentThread().join();
    return 0;
  }
}
