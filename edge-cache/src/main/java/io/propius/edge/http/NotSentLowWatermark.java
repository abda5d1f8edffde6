package io.propius.edge.http;

import io.netty.channel.epoll.EpollSocketChannel;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Bounds how many bytes a response may leave in a connection's send buffer that TCP has not sent
 * yet (Linux {@code TCP_NOTSENT_LOWAT}): the node's connection handler, applied to each connection
 * it accepts.
 *
 * <p>Why: a plan goes out with {@code sendfile} into a send buffer the kernel grows to megabytes.
 * Unbounded, most of it waits there for the client's receive window, and each window update the
 * client sends as it reads releases the next segments from inside the client's own read call: the
 * reader pays the sender's TCP work, its receive-window autotuning measures a round trip of
 * microseconds and keeps the window small, and the download runs at that reader's slower pace
 * (docs/BENCHMARKS.md, "Plan download at 16 MB"). Bounded, the socket is reported writable only
 * when little is queued, so the node's event loop writes when the window has room and the bytes
 * leave at once. Responses are not held back: the bound only decides when the socket counts as
 * writable again.
 *
 * <p>Only on the native epoll transport (Linux), which the nodes prefer; elsewhere, and with 0,
 * the kernel's default (no bound) stays.
 */
public final class NotSentLowWatermark implements Handler<HttpConnection> {
  private final long bytes;

  /** @param bytes the bound; 0 keeps the kernel's default */
  public NotSentLowWatermark(long bytes) {
    this.bytes = bytes;
  }

  @Override
  public void handle(HttpConnection connection) {
    // Vert.x has no option for it; its connections (ConnectionBase, internal) expose their Netty channel.
    if (bytes > 0 && connection instanceof ConnectionBase base && base.channel() instanceof EpollSocketChannel channel) {
      channel.config().setTcpNotSentLowAt(bytes);
    }
  }
}
