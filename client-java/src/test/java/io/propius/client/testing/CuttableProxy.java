package io.propius.client.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of a real server whose connections a test can cut, to drop a client's
 * connection the way a network does (new connections still get through unless it
 * {@linkplain #refuse refuses} them).
 */
public final class CuttableProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;

  private CuttableProxy(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  public static CuttableProxy start(Vertx vertx, int targetPort) throws Exception {
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer();
    CuttableProxy proxy = new CuttableProxy(server, client);
    server.connectHandler(in -> {
      if (proxy.refusing) {
        in.close();
        return;
      }
      in.pause();
      client.connect(targetPort, "127.0.0.1").onSuccess(out -> {
        proxy.sockets.add(in);
        proxy.sockets.add(out);
        in.handler(out::write);
        out.handler(in::write);
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.resume();
      }).onFailure(err -> in.close());
    });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return proxy;
  }

  public int port() {
    return server.actualPort();
  }

  /** While refusing, new connections are closed at once, as if the server were unreachable. */
  public void refuse(boolean refusing) {
    this.refusing = refusing;
  }

  /** Closes every open connection through the proxy. */
  public int cut() {
    int n = 0;
    for (NetSocket s : sockets) {
      s.close();
      n++;
    }
    sockets.clear();
    return n;
  }

  @Override
  public void close() {
    cut();
    server.close();
    client.close();
  }
}
