package io.propius.api.token;

import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The control plane's token authority. It holds the master keys and signs three kinds of compact
 * JWS (HS256): offers, which only the control plane verifies (with a key derived for offers);
 * task tokens for devices and node credentials for edge nodes, each signed with the key derived
 * for the data-plane node (audience) it is meant for (HKDF over the audience). An edge node holds
 * only its own derived keys ({@link #nodeKeys}), so it can verify what is meant for it but cannot
 * sign an offer, nor a token another node accepts.
 *
 * <p>Rotation: {@link #rotate} swaps the master ring at once; tokens name their key id, so tokens
 * under any still-active key keep verifying.
 */
public final class TokenSigner {
  static final String OFFER_INFO = "offer";

  private volatile Derived current;

  /** @param master the master keys; one of them must be the signing key */
  public TokenSigner(KeyRing master) {
    this.current = new Derived(requireSigning(master));
  }

  /** A signer with one fresh random key: tokens then verify only with this process's keys. */
  public static TokenSigner random() {
    byte[] key = new byte[KeyRing.MIN_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return new TokenSigner(KeyRing.single("local", key));
  }

  /** Replaces the master keys: adds, switches to or retires a key, without a restart. */
  public void rotate(KeyRing master) {
    this.current = new Derived(requireSigning(master));
  }

  public KeyRing masterKeys() {
    return current.master;
  }

  /**
   * The verification keys of the data-plane node(s) named {@code audience}: what to give that node,
   * and all it needs. Verify-only.
   */
  public KeyRing nodeKeys(String audience) {
    return current.node(audience).verifyOnly();
  }

  /** Verifies what is meant for {@code audience} with this signer's current keys (the embedded root). */
  public AudienceKeys audienceKeys(String audience) {
    return new AudienceKeys(audience, () -> current.node(audience));
  }

  String sign(String typ, String audience, JsonObject claims) {
    return CompactJws.sign(typ, signingKeys(audience), claims);
  }

  /** The keys tokens for {@code audience} are signed with now; null for offers (the control plane's own). */
  KeyRing signingKeys(String audience) {
    Derived d = current;
    return audience == null ? d.offers : d.node(audience);
  }

  KeyRing offerKeys() {
    return current.offers;
  }

  private static KeyRing requireSigning(KeyRing master) {
    if (master.signingKid() == null) {
      throw new IllegalArgumentException("the control plane's key ring needs a signing key");
    }
    return master;
  }

  /** One master ring and what is derived from it, computed once per audience. */
  private static final class Derived {
    final KeyRing master;
    final KeyRing offers;
    final Map<String, KeyRing> nodes = new ConcurrentHashMap<>();

    Derived(KeyRing master) {
      this.master = master;
      this.offers = master.derive(OFFER_INFO);
    }

    KeyRing node(String audience) {
      return nodes.computeIfAbsent(AudienceKeys.requireAudience(audience), a -> master.derive("node:" + a));
    }
  }
}
