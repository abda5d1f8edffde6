package io.propius.bench.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Check-ins sent on a fixed schedule (open loop), each latency measured from the time the schedule
 * meant the request to leave, so a stall in the server counts for every request it delays, as wrk2
 * measures (wrk2 is not packaged; Debian's wrk is closed-loop only). A due request that finds every
 * connection busy waits in a queue, and that wait is part of its latency.
 *
 * <p>Hand-written on raw connections, not Vert.x's {@code HttpClient}: on two cores the generator
 * competes with the server it measures, and the {@code HttpClient} path (request objects, a pool,
 * futures, an aggregated body) cost about 30 µs of CPU per check-in at half of the server's peak,
 * more than the server itself, so the p99 measured the machine's saturation rather than the server.
 * This client writes one request shape (the {@code bench/tls/checkin.lua} body wrk sends) and reads
 * answers that carry a {@code Content-Length}, which is all the server sends; anything else fails
 * the run. Everything runs on one event loop: no locks.
 */
final class OpenLoopCheckins {
  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final String requestHead;
  private final Latencies latencies = new Latencies();
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  /** Intended send times (ns) of due requests that wait for a connection. */
  private final ArrayDeque<Long> waiting = new ArrayDeque<>();
  private long counter;
  private long measuredFrom;
  private long measuredTo;
  private long scheduled;
  private String lastError;

  OpenLoopCheckins(Vertx vertx, String host, int port) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.requestHead = "POST /v1/checkin HTTP/1.1\r\nHost: " + host + ":" + port
        + "\r\nContent-Type: application/json\r\nContent-Length: ";
  }

  /**
   * Opens {@code connections}, sends {@code rate} check-ins a second for {@code warmupS} (not
   * recorded) and then {@code measureS} seconds, and completes once every measured request is
   * answered (or {@code drainS} seconds after the schedule ends, the rest counted as failed).
   * Must be called on the event loop that is to run it.
   */
  Future<Latencies> run(int connections, double rate, double warmupS, double measureS, double drainS) {
    NetClient client = vertx.createNetClient();
    List<Future<NetSocket>> opened = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      opened.add(client.connect(port, host));
    }
    Promise<Latencies> done = Promise.promise();
    Future.all(opened).onFailure(done::fail).onSuccess(all -> {
      for (Future<NetSocket> f : opened) {
        idle.add(new Connection(f.result()));
      }
      long start = System.nanoTime();
      long interval = (long) (1e9 / rate);
      measuredFrom = start + (long) (warmupS * 1e9);
      measuredTo = measuredFrom + (long) (measureS * 1e9);
      long[] next = {start};
      // A 1 ms tick releases every request whose time has come; the latency clock starts at that
      // time, not at the tick, so the tick's own lateness is charged to the measurement too.
      vertx.setPeriodic(1, timer -> {
        long now = System.nanoTime();
        for (; next[0] <= now && next[0] < measuredTo; next[0] += interval) {
          waiting.add(next[0]);
          if (next[0] >= measuredFrom) {
            scheduled++;
          }
        }
        dispatch();
        if (now >= measuredTo) {
          vertx.cancelTimer(timer);
          long drainUntil = now + (long) (drainS * 1e9);
          vertx.setPeriodic(10, drain -> {
            if (answered() == scheduled || System.nanoTime() > drainUntil) {
              vertx.cancelTimer(drain);
              for (long i = answered(); i < scheduled; i++) {
                latencies.fail();
              }
              if (lastError != null) {
                System.err.println("last error: " + lastError);
              }
              client.close();
              done.complete(latencies);
            }
          });
        }
      });
    });
    return done.future();
  }

  long scheduled() {
    return scheduled;
  }

  private void dispatch() {
    while (!waiting.isEmpty() && !idle.isEmpty()) {
      idle.poll().send(waiting.poll());
    }
  }

  /** Measured requests answered so far, well or not. */
  private long answered() {
    return latencies.ok() + latencies.failed();
  }

  private void answeredAt(long intendedStart, boolean ok, long now) {
    if (intendedStart >= measuredFrom) {
      if (ok) {
        latencies.record(now - intendedStart);
      } else {
        latencies.fail();
      }
    }
  }

  private Buffer nextRequest() {
    long n = ++counter;
    String body = "{\"device_id\":\"bench-" + n % 100_000 + "\",\"attributes\":{\"cpu_cores\":" + (n % 8 + 1)
        + ",\"ram_gb\":" + (n % 12 + 1) + ",\"battery\":" + n % 100 + ",\"net\":1}}";
    return Buffer.buffer(requestHead + body.length() + "\r\n\r\n" + body, "ISO-8859-1");
  }

  /** One keep-alive connection: one request at a time, its answer read by Content-Length. */
  private final class Connection {
    private final NetSocket socket;
    /** The answer's bytes until its head is complete. */
    private byte[] head = new byte[1024];
    private int headLength;
    private long intendedStart;
    private int status;
    private long bodyLeft = -1; // -1 while the head is still arriving

    Connection(NetSocket socket) {
      this.socket = socket;
      socket.handler(this::received);
      socket.closeHandler(v -> {
        if (intendedStart != 0) {
          lastError = "the server closed a connection";
        }
      });
    }

    void send(long intended) {
      intendedStart = intended;
      socket.write(nextRequest());
    }

    private void received(Buffer data) {
      int from = 0;
      if (bodyLeft < 0) {
        int before = headLength;
        if (headLength + data.length() > head.length) {
          head = Arrays.copyOf(head, Math.max(2 * head.length, headLength + data.length()));
        }
        data.getBytes(0, data.length(), head, headLength);
        headLength += data.length();
        int end = indexOf(head, headLength, HEADER_END, Math.max(0, before - 3));
        if (end < 0) {
          return;
        }
        status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        bodyLeft = contentLength(head, end);
        from = end + 4 - before;
      }
      bodyLeft -= data.length() - from;
      if (bodyLeft > 0) {
        return;
      }
      if (bodyLeft < 0) {
        throw new IllegalStateException("the server sent more than one answer's bytes (no pipelining here)");
      }
      long now = System.nanoTime();
      boolean ok = status / 100 == 2;
      if (!ok) {
        lastError = "an answer had status " + status;
      }
      long intended = intendedStart;
      intendedStart = 0;
      headLength = 0;
      bodyLeft = -1;
      answeredAt(intended, ok, now);
      idle.add(this);
      dispatch();
    }
  }

  private static long contentLength(byte[] head, int end) {
    int at = indexOfIgnoreCase(head, end);
    if (at < 0) {
      throw new IllegalStateException("an answer without Content-Length: "
          + new String(head, 0, end, StandardCharsets.ISO_8859_1));
    }
    long n = 0;
    for (int i = at + CONTENT_LENGTH.length; i < end; i++) {
      byte b = head[i];
      if (b >= '0' && b <= '9') {
        n = n * 10 + (b - '0');
      } else if (b != ' ' || n > 0) {
        break;
      }
    }
    return n;
  }

  private static int indexOf(byte[] b, int length, byte[] what, int from) {
    outer:
    for (int i = from; i <= length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int indexOfIgnoreCase(byte[] b, int end) {
    outer:
    for (int i = 0; i <= end - CONTENT_LENGTH.length; i++) {
      for (int j = 0; j < CONTENT_LENGTH.length; j++) {
        if (Character.toLowerCase(b[i + j]) != CONTENT_LENGTH[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
