package io.propius.api.token;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Offer tokens are written without a JSON tree (claims) and with a header encoded once per key:
 * the result must be the very JWS the JDK computes from the JSON encoder's claims, for any device
 * id, and must follow a key rotation.
 */
class OfferTokenEncodingTest {
  private static final byte[] K1 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] K2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @Test
  void fastPathGivesTheJwsTheJdkComputesFromEncodedClaims() throws Exception {
    SplittableRandom random = new SplittableRandom(19);
    KeyRing ring = KeyRing.single("k1", K1);
    for (int i = 0; i < 2_000; i++) {
      OfferToken offer = new OfferToken(deviceId(random), random.nextLong(), random.nextInt(), random.nextLong(),
          random.nextBoolean() ? 0 : random.nextInt(1, 1_000));
      JsonObject claimsTree = new JsonObject().put("sub", offer.deviceId()).put("job", offer.jobId())
          .put("round", offer.round()).put("exp_ms", offer.expiresAtMs());
      if (offer.shards() > 0) {
        claimsTree.put("shards", offer.shards());
      }
      String claims = claimsTree.encode();
      assertThat(offer.claimsJson()).isEqualTo(claims);
      String input = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"propius-offer\",\"kid\":\"k1\"}"
          .getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(K1, "HmacSHA256"));
      String expected = input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
      assertThat(CompactJws.sign(OfferToken.TYP, ring, offer.claimsJson())).as(offer.toString()).isEqualTo(expected);
    }
  }

  @Test
  void encodedOffersVerifyForAnyDeviceIdAndAcrossARotation() {
    SplittableRandom random = new SplittableRandom(7);
    TokenSigner signer = new TokenSigner(KeyRing.single("k1", K1));
    for (int i = 0; i < 500; i++) {
      OfferToken offer = new OfferToken(deviceId(random), random.nextLong(1, Long.MAX_VALUE),
          random.nextInt(0, Integer.MAX_VALUE), 10_000, random.nextBoolean() ? 0 : random.nextInt(1, 1_000));
      assertThat(OfferToken.verify(signer, offer.encode(signer), offer.deviceId(), 9_999)).isEqualTo(offer);
    }
    OfferToken offer = new OfferToken("phone-1", 3, 1, 10_000);
    String before = offer.encode(signer);
    signer.rotate(new KeyRing(Map.of("k1", K1, "k2", K2), "k2", Set.of()));
    String after = offer.encode(signer);
    assertThat(new String(Base64.getUrlDecoder().decode(after.substring(0, after.indexOf('.'))), StandardCharsets.UTF_8))
        .contains("\"kid\":\"k2\"");
    assertThat(OfferToken.verify(signer, after, "phone-1", 0)).isEqualTo(offer);
    assertThat(OfferToken.verify(signer, before, "phone-1", 0)).as("k1 is still active").isEqualTo(offer);
  }

  /** Valid device ids mostly, and ids JSON must escape (quotes, backslashes, controls, non-ASCII). */
  private static String deviceId(SplittableRandom random) {
    String alphabet = random.nextInt(4) == 0 ? "a\"\\\u0001\u007fé😀/ z" : "AZaz09._:-";
    StringBuilder id = new StringBuilder();
    int length = random.nextInt(1, 40);
    for (int i = 0; i < length; i++) {
      id.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0,
          alphabet.length())))));
    }
    return id.toString();
  }
}
