package io.propius.api.token;

/** Why a token was refused: a small fixed set, so a metric can be tagged by it. */
public enum TokenRejection {
  /** No token where one is needed. */
  MISSING,
  /** Not a compact JWS, or claims of the wrong shape. */
  MALFORMED,
  /** An {@code alg} other than HS256 ({@code none} included). */
  ALGORITHM,
  /** A token of another kind ({@code typ}): a task token shown as a node credential, say. */
  WRONG_KIND,
  /** The signature does not verify: forged or changed. */
  SIGNATURE,
  /** Signed with a key id the verifier does not know. */
  UNKNOWN_KEY,
  /** Signed with a key that was retired. */
  RETIRED_KEY,
  /** Meant for another data-plane node or parent, or (an offer) another device. */
  WRONG_AUDIENCE,
  /** Past its expiry. */
  EXPIRED
}
