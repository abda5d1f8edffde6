package io.propius.api.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {
  private static final byte[] K1 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] K2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
  private final TokenSigner signer = new TokenSigner(KeyRing.single("k1", K1));
  private final AudienceKeys leaf = signer.audienceKeys("leaf-1");

  private static ErrorCode code(Runnable r) {
    try {
      r.run();
    } catch (PropiusException e) {
      return e.code();
    }
    throw new AssertionError("no failure");
  }

  private static String message(Runnable r) {
    try {
      r.run();
    } catch (PropiusException e) {
      return e.getMessage();
    }
    throw new AssertionError("no failure");
  }

  @Test
  void taskTokensAreStandardJwsAndRejectTampering() {
    String token = new TaskToken(7, 3, "phone-1", "leaf-1", 1_000).encode(signer);
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]),
        StandardCharsets.UTF_8));
    assertThat(header).isEqualTo(new JsonObject().put("alg", "HS256").put("typ", "propius-task").put("kid", "k1"));
    assertThat(TaskToken.verify(leaf, token, 999)).isEqualTo(new TaskToken(7, 3, "phone-1", "leaf-1", 1_000));
    assertThat(message(() -> TaskToken.verify(leaf, token, 1_001))).isEqualTo("task token expired");
    String[] parts = token.split("\\.");
    String otherPayload = new TaskToken(8, 3, "phone-1", "leaf-1", 1_000).encode(signer).split("\\.")[1];
    assertThat(message(() -> TaskToken.verify(leaf, parts[0] + "." + otherPayload + "." + parts[2], 0)))
        .isEqualTo("task token has an invalid signature");
    assertThat(code(() -> TaskToken.verify(TokenSigner.random().audienceKeys("leaf-1"), token, 0)))
        .isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThatThrownBy(() -> TaskToken.verify(leaf, token, 0).requireFor(7, 4))
        .isInstanceOf(PropiusException.class).hasMessageContaining("not job 7 round 4");
    // alg "none" with an empty signature: the classic JWS downgrade
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"alg\":\"none\",\"typ\":\"propius-task\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(message(() -> TaskToken.verify(leaf, none + "." + parts[1] + ".", 0))).contains("malformed");
    assertThat(message(() -> TaskToken.verify(leaf, none + "." + parts[1] + ".AAAA", 0)))
        .contains("only HS256 is accepted");
  }

  @Test
  void aTokenIsValidOnlyAtTheNodeItNames() {
    String forLeaf2 = new TaskToken(7, 3, "phone-1", "leaf-2", 1_000).encode(signer);
    assertThat(TaskToken.verify(signer.audienceKeys("leaf-2"), forLeaf2, 0).deviceId()).isEqualTo("phone-1");
    assertThat(code(() -> TaskToken.verify(leaf, forLeaf2, 0))).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(message(() -> TaskToken.verify(leaf, forLeaf2, 0)))
        .isEqualTo("task token is for data-plane node 'leaf-2', not 'leaf-1'");
    assertThatThrownBy(() -> TaskToken.verify(leaf, forLeaf2, 0)).isInstanceOfSatisfying(TokenRejectedException.class,
        e -> assertThat(e.reason()).isEqualTo(TokenRejection.WRONG_AUDIENCE));
    // Leaf 2's signature over a payload that names leaf 1: a forgery, not a misrouted token.
    String[] parts = forLeaf2.split("\\.");
    String forged = parts[0] + "." + new TaskToken(7, 3, "phone-1", "leaf-1", 1_000).encode(signer).split("\\.")[1]
        + "." + parts[2];
    assertThat(message(() -> TaskToken.verify(leaf, forged, 0))).isEqualTo("task token has an invalid signature");
  }

  @Test
  void aNodeCredentialIsValidOnlyAtTheParentItNames() {
    String forRoot = new NodeCredential("leaf-1", "root", 1_000).encode(signer);
    assertThat(NodeCredential.verify(signer.audienceKeys("root"), forRoot, 0).nodeId()).isEqualTo("leaf-1");
    assertThatThrownBy(() -> NodeCredential.verify(signer.audienceKeys("mid-2"), forRoot, 0))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
          assertThat(e.reason()).isEqualTo(TokenRejection.WRONG_AUDIENCE);
          assertThat(e.getMessage()).isEqualTo("node credential is for parent 'root', not 'mid-2'");
        });
    String[] parts = forRoot.split("\\.");
    String forged = parts[0] + "." + new NodeCredential("leaf-1", "mid-2", 1_000).encode(signer).split("\\.")[1]
        + "." + parts[2];
    assertThat(message(() -> NodeCredential.verify(signer.audienceKeys("mid-2"), forged, 0)))
        .isEqualTo("node credential has an invalid signature");
  }

  @Test
  void anOfferTokenIsNeverATaskTokenNorANodeCredential() {
    String offer = new OfferToken("phone-1", 7, 3, 1_000).encode(signer);
    assertThat(OfferToken.verify(signer, offer, "phone-1", 0).jobId()).isEqualTo(7);
    assertThat(code(() -> TaskToken.verify(leaf, offer, 0))).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(code(() -> OfferToken.verify(signer, offer, "phone-2", 0))).isEqualTo(ErrorCode.OFFER_INVALID);
    assertThat(code(() -> OfferToken.verify(signer, offer, "phone-1", 2_000))).isEqualTo(ErrorCode.OFFER_EXPIRED);
    String task = new TaskToken(7, 3, "phone-1", "leaf-1", 1_000).encode(signer);
    assertThat(message(() -> NodeCredential.verify(leaf, task, 0))).contains("'propius-task' token, not 'propius-node'");
    assertThat(AudienceKeys.kind(task)).isEqualTo(AudienceKeys.Kind.TASK);
    assertThat(AudienceKeys.kind(new NodeCredential("leaf-1", "root", 5).encode(signer)))
        .isEqualTo(AudienceKeys.Kind.NODE);
    assertThat(AudienceKeys.kind("some-api-key-of-a-tenant")).isEqualTo(AudienceKeys.Kind.OTHER);
  }

  /**
   * A compromised leaf has its own verification keys. Whatever it does with them (use them as a
   * master, or sign directly), nothing it makes passes at the control plane or at another node.
   */
  @Test
  void aLeafHoldingItsKeysCannotMintForOthers() {
    KeyRing stolen = signer.nodeKeys("leaf-1");
    assertThat(stolen.signingKid()).isNull();
    assertThatThrownBy(() -> new TokenSigner(stolen)).hasMessageContaining("needs a signing key");
    KeyRing asSigning = KeyRing.fromJson(stolen.toJson().put("signing", "k1"));
    TokenSigner rogue = new TokenSigner(asSigning);
    AudienceKeys leaf2 = signer.audienceKeys("leaf-2");
    AudienceKeys root = signer.audienceKeys("root");

    // 1. its keys taken as a master key
    assertThat(code(() -> OfferToken.verify(signer, new OfferToken("d", 7, 3, 1_000).encode(rogue), "d", 0)))
        .isEqualTo(ErrorCode.OFFER_INVALID);
    assertThat(code(() -> TaskToken.verify(leaf2, new TaskToken(7, 3, "d", "leaf-2", 1_000).encode(rogue), 0)))
        .isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(code(() -> NodeCredential.verify(root, new NodeCredential("leaf-9", "root", 1_000).encode(rogue), 0)))
        .isEqualTo(ErrorCode.UNAUTHENTICATED);
    // 2. its keys used directly, with any claims
    JsonObject offerClaims = new JsonObject().put("sub", "d").put("job", 7).put("round", 3).put("exp_ms", 1_000);
    assertThat(code(() -> OfferToken.verify(signer, CompactJws.sign(OfferToken.TYP, asSigning, offerClaims), "d", 0)))
        .isEqualTo(ErrorCode.OFFER_INVALID);
    JsonObject taskClaims = new JsonObject().put("job", 7).put("round", 3).put("sub", "d").put("aud", "leaf-2")
        .put("exp_ms", 1_000);
    assertThat(code(() -> TaskToken.verify(leaf2, CompactJws.sign(TaskToken.TYP, asSigning, taskClaims), 0)))
        .isEqualTo(ErrorCode.UNAUTHENTICATED);
    JsonObject nodeClaims = new JsonObject().put("sub", "leaf-9").put("aud", "root").put("exp_ms", 1_000);
    assertThat(code(() -> NodeCredential.verify(root, CompactJws.sign(NodeCredential.TYP, asSigning, nodeClaims), 0)))
        .isEqualTo(ErrorCode.UNAUTHENTICATED);
    // what it can make is only valid at itself, which it controls anyway
    assertThat(TaskToken.verify(leaf, CompactJws.sign(TaskToken.TYP, asSigning, taskClaims.put("aud", "leaf-1")), 0)
        .audience()).isEqualTo("leaf-1");
  }

  @Test
  void rotationKeepsOldTokensUntilTheirKeyIsRetired() {
    String before = new TaskToken(7, 3, "d", "leaf-1", 1_000).encode(signer);
    String offerBefore = new OfferToken("d", 7, 3, 1_000).encode(signer);
    signer.rotate(new KeyRing(Map.of("k1", K1, "k2", K2), "k2", Set.of()));
    String after = new TaskToken(7, 3, "d", "leaf-1", 1_000).encode(signer);
    assertThat(after.split("\\.")[0]).isNotEqualTo(before.split("\\.")[0]);
    assertThat(TaskToken.verify(leaf, before, 0)).isEqualTo(TaskToken.verify(leaf, after, 0));
    assertThat(OfferToken.verify(signer, offerBefore, "d", 0).jobId()).isEqualTo(7);

    signer.rotate(new KeyRing(Map.of("k2", K2), "k2", Set.of("k1")));
    assertThat(TaskToken.verify(leaf, after, 0).deviceId()).isEqualTo("d");
    assertThat(message(() -> TaskToken.verify(leaf, before, 0)))
        .isEqualTo("task token was signed with key 'k1', which is retired; get a new one");
    assertThat(code(() -> OfferToken.verify(signer, offerBefore, "d", 0))).isEqualTo(ErrorCode.UNAUTHENTICATED);
    signer.rotate(new KeyRing(Map.of("k2", K2), "k2", Set.of()));
    assertThat(message(() -> TaskToken.verify(leaf, before, 0))).contains("which this server does not know");
  }

  @Test
  void keyRingsRefuseWeakOrConfusedKeys() {
    assertThatThrownBy(() -> KeyRing.single("k", new byte[16])).hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> new KeyRing(Map.of("k1", K1), "k1", Set.of("k1"))).hasMessageContaining("both active and retired");
    assertThatThrownBy(() -> new KeyRing(Map.of("k1", K1), "k2", Set.of())).hasMessageContaining("signing key 'k2'");
    assertThatThrownBy(() -> KeyRing.single("bad kid", K1)).hasMessageContaining("key id 'bad kid'");
    assertThatThrownBy(() -> KeyRing.fromJson(new JsonObject().put("keys", new JsonObject().put("k1", "%%"))))
        .hasMessageContaining("not base64");
    KeyRing ring = new KeyRing(Map.of("k1", K1, "k2", K2), "k2", Set.of("k0"));
    assertThat(KeyRing.fromJson(ring.toJson()).toJson()).isEqualTo(ring.toJson());
    assertThat(ring.describe().encode()).doesNotContain(Base64.getEncoder().encodeToString(K1));
  }
}
