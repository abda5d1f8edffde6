package io.propius.api.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.testing.RandomText;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Tokens written byte by byte ({@link JwsWriter}) must be the very JWS the JDK computes the plain
 * way (the JSON encoder's claims, base64url, HMAC-SHA256 over the joined strings), for any claims,
 * whatever this thread signed before, and across a key rotation; and they must verify.
 */
class JwsWriterTest {
  private static final byte[] K1 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] K2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
  private static final KeyRing RING1 = KeyRing.single("k1", K1);
  private static final KeyRing RING2 = KeyRing.single("key-2", K2);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @Test
  void offerTokensAreTheJwsOfTheEncodedClaims() throws Exception {
    SplittableRandom random = new SplittableRandom(19);
    for (int i = 0; i < 2_000; i++) {
      OfferToken offer = randomOffer(random);
      JsonObject claims = new JsonObject().put("sub", offer.deviceId()).put("job", offer.jobId())
          .put("round", offer.round()).put("exp_ms", offer.expiresAtMs());
      if (offer.shards() > 0) {
        claims.put("shards", offer.shards());
      }
      KeyRing ring = random.nextBoolean() ? RING1 : RING2;
      assertThat(offer.sign(ring)).as(offer.toString()).isEqualTo(jdk(OfferToken.TYP, ring, claims.encode()));
    }
  }

  @Test
  void taskTokensAreTheJwsOfTheEncodedClaims() throws Exception {
    SplittableRandom random = new SplittableRandom(23);
    for (int i = 0; i < 2_000; i++) {
      TaskToken task = randomTask(random, RandomText.jsonish(random, 4));
      JsonObject claims = new JsonObject().put("job", task.jobId()).put("round", task.round())
          .put("sub", task.deviceId()).put("aud", task.audience()).put("exp_ms", task.expiresAtMs());
      if (task.shards() > 0) {
        claims.put("shards", task.shards());
      }
      KeyRing ring = random.nextBoolean() ? RING1 : RING2;
      assertThat(task.sign(ring)).as(task.toString()).isEqualTo(jdk(TaskToken.TYP, ring, claims.encode()));
    }
  }

  /** The kinds, keys and claim sizes interleaved, as on an event loop that answers check-ins and accepts. */
  @Test
  void encodedClaimsOfAnySizeAndKindAreSignedAsTheJdkDoes() throws Exception {
    SplittableRandom random = new SplittableRandom(29);
    for (int i = 0; i < 2_000; i++) {
      JsonObject claims = new JsonObject();
      for (int field = random.nextInt(0, 30); field > 0; field--) {
        claims.put(RandomText.jsonish(random, 3), random.nextBoolean() ? random.nextLong()
            : RandomText.jsonish(random, 3));
      }
      String typ = random.nextBoolean() ? OfferToken.TYP : NodeCredential.TYP;
      KeyRing ring = random.nextBoolean() ? RING1 : RING2;
      assertThat(CompactJws.sign(typ, ring, claims.encode())).as(claims.encode())
          .isEqualTo(jdk(typ, ring, claims.encode()));
      OfferToken offer = randomOffer(random);
      assertThat(offer.sign(ring)).isEqualTo(jdk(OfferToken.TYP, ring, offer.claims().encode()));
    }
  }

  @Test
  void signedTokensVerifyForAnyIdsAndAcrossARotation() {
    SplittableRandom random = new SplittableRandom(7);
    TokenSigner signer = new TokenSigner(KeyRing.single("k1", K1));
    for (int i = 0; i < 1_000; i++) {
      OfferToken offer = randomOffer(random);
      long expiry = offer.expiresAtMs();
      assertThat(OfferToken.verify(signer, offer.encode(signer), offer.deviceId(), expiry)).isEqualTo(offer);
      TaskToken task = randomTask(random, "leaf-" + random.nextInt(3));
      assertThat(TaskToken.verify(signer, task.encode(signer), task.expiresAtMs())).isEqualTo(task);
    }
    OfferToken offer = new OfferToken("phone-1", 3, 1, 10_000);
    TaskToken task = new TaskToken(3, 1, "phone-1", "leaf-1", 10_000);
    String offerBefore = offer.encode(signer);
    String taskBefore = task.encode(signer);
    signer.rotate(new KeyRing(Map.of("k1", K1, "k2", K2), "k2", Set.of()));
    String offerAfter = offer.encode(signer);
    String taskAfter = task.encode(signer);
    assertThat(header(offerAfter)).contains("\"kid\":\"k2\"");
    assertThat(header(taskAfter)).contains("\"kid\":\"k2\"");
    assertThat(OfferToken.verify(signer, offerAfter, "phone-1", 0)).isEqualTo(offer);
    assertThat(TaskToken.verify(signer, taskAfter, 0)).isEqualTo(task);
    assertThat(OfferToken.verify(signer, offerBefore, "phone-1", 0)).as("k1 is still active").isEqualTo(offer);
    assertThat(TaskToken.verify(signer, taskBefore, 0)).as("k1 is still active").isEqualTo(task);
  }

  /** Valid device ids mostly, and one in four an id JSON must escape; any numbers, any shards. */
  private static OfferToken randomOffer(SplittableRandom random) {
    return new OfferToken(RandomText.jsonish(random, 4), anyLong(random), (int) anyLong(random),
        Math.max(0, anyLong(random)), random.nextBoolean() ? 0 : random.nextInt(1, Integer.MAX_VALUE));
  }

  private static TaskToken randomTask(SplittableRandom random, String audience) {
    return new TaskToken(anyLong(random), (int) anyLong(random), RandomText.jsonish(random, 4), audience,
        Math.max(0, anyLong(random)), random.nextBoolean() ? 0 : random.nextInt(1, Integer.MAX_VALUE));
  }

  /** Any long, one in four an edge of the digit writer: an extreme, a power of ten or one below it, small. */
  private static long anyLong(SplittableRandom random) {
    if (random.nextInt(4) > 0) {
      return random.nextBoolean() ? random.nextLong() : random.nextLong(-1_000, 1_000_000);
    }
    long power = 1;
    for (int i = random.nextInt(19); i > 0; i--) {
      power *= 10;
    }
    long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, 0, power, power - 1, -power, 1 - power, Integer.MIN_VALUE,
        Integer.MAX_VALUE};
    return edges[random.nextInt(edges.length)];
  }

  /** The JWS the plain way, with the ring's single key. */
  private static String jdk(String typ, KeyRing ring, String claimsJson) throws Exception {
    String header = new JsonObject().put("alg", "HS256").put("typ", typ).put("kid", ring.signingKid()).encode();
    String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(ring == RING1 ? K1 : K2, "HmacSHA256"));
    return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  private static String header(String token) {
    return new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
  }
}
