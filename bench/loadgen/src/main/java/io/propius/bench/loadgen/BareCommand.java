package io.propius.bench.loadgen;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The bare endpoint as a process of its own, for an external load generator ({@code wrk}) to drive
 * side by side with a server process: the same number of verticle instances as the server's client
 * managers, answering every POST with the bytes of a real check-in response.
 */
@Command(name = "bare", mixinStandardHelpOptions = true,
    description = "Serve a fixed body from a bare Vert.x HTTP endpoint until killed (the baseline for wrk).")
final class BareCommand implements Callable<Integer> {
  @Option(names = "--port", required = true, description = "port on 127.0.0.1")
  int port;
  @Option(names = "--instances", defaultValue = "2", description = "verticle instances, as the server's devices.instances (default ${DEFAULT-VALUE})")
  int instances;
  @Option(names = "--body-file", required = true,
      description = "file whose bytes every answer carries (e.g. a real check-in response); waited for, so this can start alongside the server")
  Path bodyFile;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.exists(bodyFile)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalArgumentException(bodyFile + " did not appear within 2 minutes");
      }
      Thread.sleep(20);
    }
    Buffer body = Buffer.buffer(Files.readAllBytes(bodyFile));
    LoadGenCli.await(vertx.deployVerticle(() -> new BareEndpoint(body, port), new DeploymentOptions().setInstances(instances)));
    System.out.println("bare endpoint up on 127.0.0.1:" + port + " answering " + body.length() + " bytes");
    Thread.currentThread().join();
    return 0;
  }
}
