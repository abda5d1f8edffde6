package io.propius.api.token;

import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What a data-plane node checks tokens with: its audience (its own name, or the name of the group
 * of nodes behind one address) and the keys derived for that audience. Task tokens and node
 * credentials for any other audience fail. The keys are read on each verification, so a rotation
 * (a new ring from {@code keys}) applies at once.
 */
public final class AudienceKeys {
  private static final Pattern AUDIENCE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** What a bearer token claims to be, read before it is verified. */
  public enum Kind { TASK, NODE, OTHER }

  private final String audience;
  private final Supplier<KeyRing> keys;

  /** @param keys the current verification keys of this audience */
  public AudienceKeys(String audience, Supplier<KeyRing> keys) {
    this.audience = requireAudience(audience);
    this.keys = keys;
  }

  public String audience() {
    return audience;
  }

  KeyRing keys() {
    return keys.get();
  }

  /** TASK or NODE for a token that says it is one (unverified), OTHER for anything else (an API key). */
  public static Kind kind(String token) {
    String typ = CompactJws.typ(token);
    if (TaskToken.TYP.equals(typ)) {
      return Kind.TASK;
    }
    return NodeCredential.TYP.equals(typ) ? Kind.NODE : Kind.OTHER;
  }

  /**
   * A token for another audience is signed with that audience's key, so it never verifies here; its
   * unverified {@code aud} tells a token sent to the wrong node (a job's address and audience that do
   * not match, a node pointed at another parent) apart from a forgery, for the operator. Either way it
   * is refused.
   *
   * @param forWhat how the message starts, e.g. "task token is for data-plane node"
   */
  TokenRejectedException misrouted(String token, TokenRejectedException rejected, String forWhat) {
    if (rejected.reason() != TokenRejection.SIGNATURE) {
      return rejected;
    }
    String aud = CompactJws.unverifiedClaim(token, "aud");
    return aud == null || aud.equals(audience) ? rejected
        : new TokenRejectedException(TokenRejection.WRONG_AUDIENCE, forWhat + " '" + aud + "', not '" + audience + "'");
  }

  static String requireAudience(String audience) {
    if (audience == null || !AUDIENCE.matcher(audience).matches()) {
      throw new IllegalArgumentException("data-plane audience '" + audience
          + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    return audience;
  }
}
