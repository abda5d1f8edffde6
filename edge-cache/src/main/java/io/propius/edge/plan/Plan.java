package io.propius.edge.plan;

import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A round's plan as published by its job: opaque bytes and their entity tag. The bytes are never
 * copied per request; every response writes a view of this one buffer.
 */
public record Plan(Buffer bytes, String etag) {
  /** Size in bytes. */
  public int size() {
    return bytes.length();
  }

  /** A plan whose ETag is the quoted SHA-256 of its bytes (CPU-heavy for large plans: call off the event loop). */
  public static Plan of(Buffer bytes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // Digest through a view of the bytes rather than getBytes(), which would copy them.
      sha.update(((io.vertx.core.internal.buffer.BufferInternal) bytes).getByteBuf().nioBuffer());
      return new Plan(bytes, "\"" + HexFormat.of().formatHex(sha.digest()) + "\"");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
