package io.propius.client.device;

import io.propius.api.tls.Tls;
import io.propius.api.tls.TlsOptions;
import io.propius.client.dataplane.DataPlaneClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * HTTP connection pools to the device endpoint and the data plane. Each {@link DeviceClient}
 * makes its own unless given one; a process that runs many devices (a simulator, a gateway)
 * shares one so that hundreds of devices do not open hundreds of connections.
 */
public final class DeviceConnections {
  final Vertx vertx;
  final WebClient http;
  final DataPlaneClient dataPlane;

  private DeviceConnections(Vertx vertx, int maxConnections, TlsOptions tls) {
    this.vertx = vertx;
    this.http = WebClient.create(vertx, Tls.client(new WebClientOptions().setKeepAlive(true), tls),
        new PoolOptions().setHttp1MaxSize(maxConnections));
    this.dataPlane = new DataPlaneClient(vertx, maxConnections, tls);
  }

  /** Pools of up to {@code maxConnections} per server, on {@code vertx}. */
  public static DeviceConnections create(Vertx vertx, int maxConnections) {
    return create(vertx, maxConnections, new TlsOptions());
  }

  /**
   * As {@link #create(Vertx, int)}, for {@code https} URLs verified against {@code tls.trustPath}
   * (the JDK's CAs when empty).
   */
  public static DeviceConnections create(Vertx vertx, int maxConnections, TlsOptions tls) {
    return new DeviceConnections(vertx, maxConnections, tls);
  }

  public Future<Void> close() {
    http.close();
    return dataPlane.close();
  }
}
