package io.propius.edge.plan;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A round's plan as a node holds it: a file of the job's bytes and their entity tag. Requests are
 * answered with {@code sendfile} from this file, as nginx would: no copy through the JVM heap.
 */
public record Plan(Path file, long size, String etag) {
  /** The quoted SHA-256 of the bytes (CPU-heavy for large plans: call off the event loop). */
  public static String etagOf(Buffer bytes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // Digest a view of the bytes rather than getBytes(), which would copy them.
      sha.update(((BufferInternal) bytes).getByteBuf().nioBuffer());
      return "\"" + HexFormat.of().formatHex(sha.digest()) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
