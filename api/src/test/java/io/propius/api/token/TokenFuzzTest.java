package io.propius.api.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

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

  @Property(tries = 300)
  void randomTextIsRefusedWithATokenError(@ForAll("tokenish") String text) {
    verifyAll(text);
  }

  @Property(tries = 500)
  void aMutatedTokenNeverVerifiesAsSomethingElse(@ForAll("validToken") String token, @ForAll @IntRange(max = 10_000) int at,
                                                  @ForAll("mutation") String mutation) {
    int i = at % (token.length() + 1);
    String mutated = switch (mutation) {
      case "drop" -> token.substring(0, Math.max(0, i - 1)) + token.substring(i);
      case "truncate" -> token.substring(0, i);
      case "dot" -> token.substring(0, i) + "." + token.substring(i);
      default -> token.substring(0, i) + mutation + token.substring(Math.min(token.length(), i + 1));
    };
    verifyAll(mutated);
  }

  @Property(tries = 300)
  void validlySignedGarbageClaimsAreRefusedWithATokenError(@ForAll("claims") JsonObject claims,
                                                           @ForAll("typ") String typ) {
    verifyAll(CompactJws.sign(typ, signer.audienceKeys("leaf-1").keys().withSigning(), claims));
    verifyAll(CompactJws.sign(typ, signer.offerKeys(), claims));
  }

  @Property(tries = 200)
  void anyHeaderWithAValidMacIsRefusedUnlessItIsOurs(@ForAll("headers") JsonObject header) {
    KeyRing keys = signer.audienceKeys("leaf-1").keys().withSigning();
    String claims = B64.encodeToString(new JsonObject().put("job", 7).put("round", 3).put("sub", "phone-1")
        .put("aud", "leaf-1").put("exp_ms", Long.MAX_VALUE).encode().getBytes(StandardCharsets.UTF_8));
    String input = B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "." + claims;
    verifyAll(input + "." + B64.encodeToString(keys.sign(input.getBytes(StandardCharsets.US_ASCII))));
  }

  @Provide
  Arbitrary<String> tokenish() {
    Arbitrary<String> parts = Arbitraries.strings().withChars("AZaz09-_.=+/").ofMaxLength(60).list().ofMaxSize(5)
        .map(l -> String.join(".", l));
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(300), parts, Arbitraries.just(""),
        Arbitraries.just("..."), Arbitraries.just("e30.e30.e30"));
  }

  @Provide
  Arbitrary<String> validToken() {
    return Arbitraries.of(task.encode(signer), offer.encode(signer), node.encode(signer));
  }

  @Provide
  Arbitrary<String> mutation() {
    return Arbitraries.oneOf(Arbitraries.of("drop", "truncate", "dot"), Arbitraries.strings().withChars("AZaz09-_.=é\u0000")
        .ofMinLength(1).ofMaxLength(3));
  }

  @Provide
  Arbitrary<String> typ() {
    return Arbitraries.of(TaskToken.TYP, OfferToken.TYP, NodeCredential.TYP, "other");
  }

  @Provide
  Arbitrary<JsonObject> claims() {
    Arbitrary<Object> value = Arbitraries.oneOf(Arbitraries.integers().map(Object.class::cast),
        Arbitraries.longs().map(Object.class::cast), Arbitraries.doubles().map(Object.class::cast),
        Arbitraries.strings().ofMaxLength(10).map(Object.class::cast), Arbitraries.just(new JsonArray()),
        Arbitraries.just(new JsonObject()), Arbitraries.of(true, false).map(Object.class::cast));
    Arbitrary<String> name = Arbitraries.of("job", "round", "sub", "aud", "exp_ms", "x");
    return Arbitraries.maps(name, value).ofMaxSize(6).map(m -> {
      JsonObject o = new JsonObject();
      m.forEach(o::put);
      return o;
    });
  }

  @Provide
  Arbitrary<JsonObject> headers() {
    Arbitrary<Object> value = Arbitraries.oneOf(Arbitraries.of("HS256", "none", "RS256", "hs256", "propius-task",
        "propius-offer", "local", "k9", "").map(Object.class::cast), Arbitraries.integers().map(Object.class::cast),
        Arbitraries.just(new JsonObject()));
    return Arbitraries.maps(Arbitraries.of("alg", "typ", "kid", "crit", "jku"), value).ofMaxSize(5).map(m -> {
      JsonObject o = new JsonObject();
      m.forEach(o::put);
      return o;
    });
  }
}
