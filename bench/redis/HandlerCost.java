import io.propius.api.device.Binding;
import io.propius.api.token.OfferToken;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.LongUnaryOperator;

/**
 * CPU per call (thread CPU time, so a loaded machine's waiting is not counted) of the steps of the
 * accept and confirm handlers that do not wait for the store: reading the body, verifying the
 * offer or task token, writing the answer (the build's own writer where it has one, else the JSON
 * tree as ctx.json wrote it). Run against any build's server jar, to compare two builds:
 * java -cp verticles/target/propius.jar bench/redis/HandlerCost.java
 */
public class HandlerCost {
  private static final int CALLS = 200_000;
  private static long sink;

  public static void main(String[] args) throws Exception {
    TokenSigner signer = TokenSigner.random();
    long expires = 4_000_000_000_000L;
    String device = "bench-12345";
    String offer = new OfferToken(device, 17, 3, expires).encode(signer);
    String task = new TaskToken(17, 3, device, "leaf-1", expires).encode(signer);
    Buffer acceptBody = new JsonObject().put("device_id", device).put("offer", offer).toBuffer();
    Binding binding = new Binding(17, 3, device, task, "http://127.0.0.1:8081", expires, expires);
    LongUnaryOperator answer = answerWriter(binding);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = 1; round <= 6; round++) { // the first rounds are the JIT's
      double read = cpu(threads, i -> ((JsonObject) Json.decodeValue(acceptBody)).size());
      double verifyOffer = cpu(threads, i -> OfferToken.verify(signer, offer, device, 0).round());
      double verifyTask = cpu(threads, i -> TaskToken.verify(signer, task, 0).round());
      double write = cpu(threads, answer);
      System.out.printf(Locale.ROOT, "round %d: body read %.2f µs, offer verify %.2f µs, task token verify (confirm) "
          + "%.2f µs, binding answer %.2f µs%n", round, read, verifyOffer, verifyTask, write);
    }
    System.out.println(sink == 42 ? "" : "done");
  }

  /** The build's hand-written binding answer if it has one, else the JSON tree's encoding. */
  private static LongUnaryOperator answerWriter(Binding binding) throws Exception {
    try {
      Class<?> type = Class.forName("io.propius.server.device.BindingAnswer");
      Constructor<?> make = type.getDeclaredConstructor();
      make.setAccessible(true);
      Object writer = make.newInstance();
      Method write = type.getDeclaredMethod("binding", Binding.class);
      write.setAccessible(true);
      System.out.println("binding answer: BindingAnswer");
      return i -> {
        try {
          return ((Buffer) write.invoke(writer, binding)).length();
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      };
    } catch (ClassNotFoundException e) {
      System.out.println("binding answer: the JSON tree");
      return i -> Json.encodeToBuffer(binding.toJson()).length();
    }
  }

  private static double cpu(ThreadMXBean threads, LongUnaryOperator call) {
    long started = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < CALLS; i++) {
      sink += call.applyAsLong(i);
    }
    return (threads.getCurrentThreadCpuTime() - started) / 1e3 / CALLS;
  }
}
