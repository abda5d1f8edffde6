import io.propius.api.device.CheckinResponse;
import io.propius.api.device.Offer;
import io.propius.api.token.OfferToken;
import io.propius.api.token.TokenSigner;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CPU and bytes allocated per call (thread CPU time, so a loaded machine's waiting is not counted)
 * of an offer token (a check-in signs one per offer), of the bare HMAC-SHA256 over an input as long
 * as the token's signing input (the floor of signing), and of a three-offer answer as a JSON tree.
 * Run against any build's jar, to compare:
 * java -cp verticles/target/propius.jar bench/checkin/EncodeCost.java
 */
public class EncodeCost {
  private static final int CALLS = 300_000;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    TokenSigner signer = TokenSigner.random();
    List<Offer> offers = new ArrayList<>();
    for (int job = 1; job <= 3; job++) {
      offers.add(new Offer(job, 1, Map.of(), new OfferToken("bench-12345", job, 1, 1_765_000_000_000L).encode(signer),
          1_765_000_000_000L));
    }
    CheckinResponse response = new CheckinResponse("bench-12345", offers, 0);
    String token = offers.get(0).offer();
    byte[] input = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    long sink = 0;
    for (int round = 1; round <= 6; round++) { // the first rounds are the JIT's
      long[] t0 = now();
      for (int i = 0; i < CALLS; i++) {
        sink += new OfferToken("bench-" + (i % 100_000), 3, 1, 1_765_000_000_000L + i).encode(signer).length();
      }
      long[] t1 = now();
      for (int i = 0; i < CALLS; i++) {
        input[input.length - 1] = (byte) i;
        sink += mac.doFinal(input)[0];
      }
      long[] t2 = now();
      for (int i = 0; i < CALLS; i++) {
        sink += response.toJson().toBuffer().length();
      }
      long[] t3 = now();
      System.out.printf("round %d: offer token %s, of which HMAC over its %d B input %s; answer as JSON tree %s%n",
          round, per(t0, t1), input.length, per(t1, t2), per(t2, t3));
    }
    System.out.println(sink == 42 ? "" : "(" + response.toJson().toBuffer().length() + " B answer)");
  }

  private static long[] now() {
    long id = Thread.currentThread().getId();
    return new long[] {THREADS.getCurrentThreadCpuTime(), THREADS.getThreadAllocatedBytes(id)};
  }

  /** The call's CPU time (the string "bench-N" of the token loop included) and bytes allocated. */
  private static String per(long[] from, long[] to) {
    return String.format("%.2f us %d B", (to[0] - from[0]) / 1e3 / CALLS, (to[1] - from[1]) / CALLS);
  }
}
