import io.propius.api.device.CheckinResponse;
import io.propius.api.device.Offer;
import io.propius.api.token.OfferToken;
import io.propius.api.token.TokenSigner;
import io.vertx.core.buffer.Buffer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CPU per call (thread CPU time, so a loaded machine's waiting is not counted) of the two encodings
 * a check-in does: an offer token, and the response with three offers as the JSON tree (toJson())
 * and, where the build has it, streamed (toBuffer()). Run against any build's jar, to compare:
 * java -cp verticles/target/propius.jar bench/checkin/EncodeCost.java
 */
public class EncodeCost {
  private static final int CALLS = 300_000;

  public static void main(String[] args) throws Throwable {
    TokenSigner signer = TokenSigner.random();
    List<Offer> offers = new ArrayList<>();
    for (int job = 1; job <= 3; job++) {
      offers.add(new Offer(job, 1, Map.of(), new OfferToken("bench-12345", job, 1, 1_765_000_000_000L).encode(signer),
          1_765_000_000_000L));
    }
    CheckinResponse response = new CheckinResponse("bench-12345", offers, 0);
    MethodHandle streamed;
    try {
      streamed = MethodHandles.publicLookup().findVirtual(CheckinResponse.class, "toBuffer", MethodType.methodType(Buffer.class));
    } catch (NoSuchMethodException e) {
      streamed = null;
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int round = 1; round <= 6; round++) { // the first rounds are the JIT's
      long t0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < CALLS; i++) {
        sink += new OfferToken("bench-" + i, 3, 1, 1_765_000_000_000L).encode(signer).length();
      }
      long t1 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < CALLS; i++) {
        sink += response.toJson().toBuffer().length();
      }
      long t2 = threads.getCurrentThreadCpuTime();
      if (streamed != null) {
        for (int i = 0; i < CALLS; i++) {
          sink += ((Buffer) streamed.invokeExact(response)).length();
        }
      }
      long t3 = threads.getCurrentThreadCpuTime();
      System.out.printf("round %d: offer token %.2f us, response as JSON tree %.2f us, streamed %s%n", round,
          us(t1 - t0), us(t2 - t1), streamed == null ? "n/a" : String.format("%.2f us", us(t3 - t2)));
    }
    System.out.println(sink == 42 ? "" : "(" + response.toJson().toBuffer().length() + " B response)");
  }

  private static double us(long nanos) {
    return nanos / 1e3 / CALLS;
  }
}
