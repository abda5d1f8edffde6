package io.propius.server.bus;

import io.propius.server.metrics.PropiusMetrics;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * Consumers of the control plane's addresses that survive what another node sends: a message whose
 * body does not decode, or decodes to another type than the address carries (a node of another
 * version), is dropped, logged and counted, and the consumer goes on.
 */
public final class Inbox {
  private static final System.Logger LOG = System.getLogger(Inbox.class.getName());

  private final EventBus bus;
  private final PropiusMetrics metrics;

  public Inbox(EventBus bus, PropiusMetrics metrics) {
    this.bus = bus;
    this.metrics = metrics;
  }

  /** Hands {@code handler} the message of every {@code type} body that arrives on {@code address}. */
  public <T> MessageConsumer<Object> consumer(String address, Class<T> type, Handler<Message<T>> handler) {
    return bus.consumer(address, msg -> {
      Object body;
      try {
        body = msg.body();
      } catch (RuntimeException e) {
        drop(address, "it does not decode: " + e);
        return;
      }
      if (body != null && !type.isInstance(body)) {
        drop(address, "it carries a " + body.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        return;
      }
      @SuppressWarnings("unchecked")
      Message<T> typed = (Message<T>) (Message<?>) msg;
      handler.handle(typed);
    });
  }

  private void drop(String address, String why) {
    metrics.busMessageDropped();
    LOG.log(System.Logger.Level.WARNING, "dropped a message on " + address + " because " + why);
  }
}
