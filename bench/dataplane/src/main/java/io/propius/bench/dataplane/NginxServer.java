package io.propius.bench.dataplane;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * nginx serving a directory over loopback with a generated configuration on a free port: the
 * baseline for plan downloads. One worker process, like the one event loop of an edge node.
 */
final class NginxServer implements AutoCloseable {
  private final Process process;
  final int port;

  NginxServer(Path root, Path work, int workers) throws IOException, InterruptedException {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(work.resolve("logs"));
    String conf = """
        daemon off;
        master_process on;
        worker_processes %d;
        pid %s/nginx.pid;
        error_log %s/logs/error.log warn;
        events { worker_connections 4096; }
        http {
          access_log off;
          sendfile on;
          tcp_nopush on;
          tcp_nodelay on;
          keepalive_requests 1000000;
          client_body_temp_path %s/body;
          proxy_temp_path %s/proxy;
          fastcgi_temp_path %s/fastcgi;
          uwsgi_temp_path %s/uwsgi;
          scgi_temp_path %s/scgi;
          types { application/octet-stream bin; }
          server {
            listen 127.0.0.1:%d;
            root %s;
          }
        }
        """.formatted(workers, work, work, work, work, work, work, work, port, root);
    Path file = work.resolve("nginx.conf");
    Files.writeString(file, conf);
    process = new ProcessBuilder("nginx", "-c", file.toString(), "-p", work.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("logs/stdout.log").toFile()).start();
    long until = System.currentTimeMillis() + 10_000;
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.currentTimeMillis() > until) {
          throw new IOException("nginx did not start: " + Files.readString(work.resolve("logs/stdout.log")));
        }
        Thread.sleep(50);
      }
    }
  }

  /** CPU time nginx has used so far: its master and its workers. */
  long cpuNanos() {
    return Stream.concat(Stream.of(process.toHandle()), process.descendants())
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
