package io.propius.server.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.propius.api.grpc.JobEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Event-bus codecs for the control plane's message types. All of them are immutable, so a local
 * delivery passes the same instance (no copy); across a cluster they travel as protobuf or JSON.
 */
public final class Codecs {
  private Codecs() {
  }

  /** Registers the codecs once per Vert.x instance; later calls do nothing. */
  public static synchronized void register(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(JobEvent.class, new ProtoCodec<>("propius-job-event", JobEvent.parser()));
    } catch (IllegalStateException alreadyRegistered) {
      return;
    }
    vertx.eventBus().registerDefaultCodec(ScheduleSnapshot.class,
        new JsonCodec<>("propius-schedule", ScheduleSnapshot::toJson, ScheduleSnapshot::fromJson));
    vertx.eventBus().registerDefaultCodec(GroupPlan.class,
        new JsonCodec<>("propius-group-plan", GroupPlan::toJson, GroupPlan::fromJson));
    vertx.eventBus().registerDefaultCodec(WindowStats.class,
        new JsonCodec<>("propius-window-stats", WindowStats::toJson, WindowStats::fromJson));
  }

  private abstract static class ImmutableCodec<T> implements MessageCodec<T, T> {
    private final String name;

    ImmutableCodec(String name) {
      this.name = name;
    }

    @Override
    public T transform(T t) {
      return t;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
      byte[] bytes = bytes(t);
      buffer.appendInt(bytes.length).appendBytes(bytes);
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return parse(buffer.getBytes(pos + 4, pos + 4 + length));
    }

    abstract byte[] bytes(T t);

    abstract T parse(byte[] bytes);
  }

  private static final class ProtoCodec<T extends Message> extends ImmutableCodec<T> {
    private final Parser<T> parser;

    ProtoCodec(String name, Parser<T> parser) {
      super(name);
      this.parser = parser;
    }

    @Override
    byte[] bytes(T t) {
      return t.toByteArray();
    }

    @Override
    T parse(byte[] bytes) {
      try {
        return parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("corrupt " + name() + " message", e);
      }
    }
  }

  private static final class JsonCodec<T> extends ImmutableCodec<T> {
    private final Function<T, JsonObject> toJson;
    private final Function<JsonObject, T> fromJson;

    JsonCodec(String name, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson) {
      super(name);
      this.toJson = toJson;
      this.fromJson = fromJson;
    }

    @Override
    byte[] bytes(T t) {
      return toJson.apply(t).toBuffer().getBytes();
    }

    @Override
    T parse(byte[] bytes) {
      return fromJson.apply(new JsonObject(Buffer.buffer(bytes)));
    }
  }
}
