package io.propius.api.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.testing.RandomInputs;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tokens and offers from the network: random text, mutations of valid tokens, and validly signed
 * tokens with random headers and claims. Each verifies or fails with its typed error
 * ({@link PropiusException} with a token code), never another exception; a changed token never
 * verifies as anything but what was signed.
 */
class TokenFuzzTest {
  private static final Set<ErrorCode> TOKEN_ERRORS = Set.of(ErrorCode.UNAUTHENTICATED, ErrorCode.OFFER_INVALID,
      ErrorCode.OFFER_EXPIRED);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final TokenSigner signer = TokenSigner.random();
  private final AudienceKeys leaf = signer.audienceKeys("leaf-1");
  private final TaskToken task = new TaskToken(7, 3, "phone-1", "leaf-1", Long.MAX_VALUE);
  private final OfferToken offer = new OfferToken("phone-1", 7, 3, Long.MAX_VALUE);
  private final NodeCredential node = new NodeCredential("leaf-1a", "leaf-1", Long.MAX_VALUE);

  /** Runs every verifier on the text; each answers with the original or a token error. */
  private void verifyAll(String token) {
    check(() -> assertThat(TaskToken.verify(leaf, token, 0)).isEqualTo(task));
    check(() -> assertThat(TaskToken.verify(signer, token, 0)).isEqualTo(task));
    check(() -> assertThat(OfferToken.verify(signer, token, "phone-1", 0)).isEqualTo(offer));
    check(() -> assertThat(NodeCredential.verify(leaf, token, 0)).isEqualTo(node));
    assertThat(AudienceKeys.kind(token)).isNotNull();
  }

  private static void check(Runnable verification) {
    try {
      verification.run();
    } catch (PropiusException e) {
      assertThat(TOKEN_ERRORS).contains(e.code());
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  static LongStream seeds() {
    return RandomInputs.seeds(300);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomTextIsRefusedWithATokenError(long seed) {
    String text = tokenish(new RandomInputs(seed));
    assertDoesNotThrow(() -> verifyAll(text), () -> "seed " + seed + ", token " + Json.encode(text));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aMutatedTokenNeverVerifiesAsSomethingElse(long seed) {
    RandomInputs random = new RandomInputs(seed);
    String token = random.oneOf(task.encode(signer), offer.encode(signer), node.encode(signer));
    for (int n = 0; n < 2; n++) {
      int i = random.between(0, token.length());
      String mutation = random.fromOneOf(() -> random.oneOf("drop", "truncate", "dot"),
          () -> random.string(1, 3, "AZaz09-_.=\u00e9\u0000"));
      String mutated = switch (mutation) {
        case "drop" -> token.substring(0, Math.max(0, i - 1)) + token.substring(i);
        case "truncate" -> token.substring(0, i);
        case "dot" -> token.substring(0, i) + "." + token.substring(i);
        default -> token.substring(0, i) + mutation + token.substring(Math.min(token.length(), i + 1));
      };
      assertDoesNotThrow(() -> verifyAll(mutated), () -> "seed " + seed + ", token " + Json.encode(mutated));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void validlySignedGarbageClaimsAreRefusedWithATokenError(long seed) {
    RandomInputs random = new RandomInputs(seed);
    JsonObject claims = claims(random);
    String typ = random.oneOf(TaskToken.TYP, OfferToken.TYP, NodeCredential.TYP, "other");
    assertDoesNotThrow(() -> {
      verifyAll(CompactJws.sign(typ, signer.audienceKeys("leaf-1").keys().withSigning(), claims));
      verifyAll(CompactJws.sign(typ, signer.offerKeys(), claims));
    }, () -> "seed " + seed + ", typ " + typ + ", claims " + claims.encode());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anyHeaderWithAValidMacIsRefusedUnlessItIsOurs(long seed) {
    JsonObject header = header(new RandomInputs(seed));
    KeyRing keys = signer.audienceKeys("leaf-1").keys().withSigning();
    String claims = B64.encodeToString(new JsonObject().put("job", 7).put("round", 3).put("sub", "phone-1")
        .put("aud", "leaf-1").put("exp_ms", Long.MAX_VALUE).encode().getBytes(StandardCharsets.UTF_8));
    String input = B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "." + claims;
    String token = input + "." + B64.encodeToString(keys.signingMac().doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    assertDoesNotThrow(() -> verifyAll(token), () -> "seed " + seed + ", header " + header.encode());
  }

  private static String tokenish(RandomInputs random) {
    return random.fromOneOf(() -> random.string(300),
        () -> String.join(".", random.list(5, () -> random.string(0, 60, "AZaz09-_.=+/"))),
        () -> random.oneOf("", "...", "e30.e30.e30"));
  }

  private static JsonObject claims(RandomInputs random) {
    JsonObject claims = new JsonObject();
    random.map(6, () -> random.oneOf("job", "round", "sub", "aud", "exp_ms", "x"),
        () -> random.<Object>fromOneOf(random::anyInt, random::anyLong, random::anyDouble, () -> random.string(10),
            JsonArray::new, JsonObject::new, random::bool)).forEach(claims::put);
    return claims;
  }

  private static JsonObject header(RandomInputs random) {
    JsonObject header = new JsonObject();
    random.map(5, () -> random.oneOf("alg", "typ", "kid", "crit", "jku"),
        () -> random.<Object>fromOneOf(() -> random.oneOf("HS256", "none", "RS256", "hs256", "propius-task",
            "propius-offer", "local", "k9", ""), random::anyInt, JsonObject::new)).forEach(header::put);
    return header;
  }
}
