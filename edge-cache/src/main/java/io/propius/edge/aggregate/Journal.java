package io.propius.edge.aggregate;

import io.propius.api.tensor.DType;
import io.propius.edge.round.RoundKey;
import io.propius.edge.round.RoundSpec;
import io.propius.edge.upstream.PartialUpdate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only log of what a node accepted: round specs, device contributions and child
 * partials. A node appends before it acknowledges, and replays the log when it starts, so nothing
 * it acknowledged is lost by a restart and a replayed device token is still known as seen.
 * Confined to the node's event loop. Records are length-prefixed; a torn last record (a crash mid-write) was never acknowledged and
 * is dropped on replay.
 */
public final class Journal {
  /** What a journal holds, in append order. */
  public sealed interface Entry permits SpecEntry, ContributionEntry, PartialEntry {
    RoundKey key();
  }

  public record SpecEntry(RoundKey key, RoundSpec spec) implements Entry {
  }

  /**
   * @param dtype the upload's wire type: float32 values are journaled as floats (exact, as they
   *              arrived as floats), so a record is half the size of one in doubles
   */
  public record ContributionEntry(RoundKey key, String dedupeKey, double weight, double[] values, DType dtype)
      implements Entry {
  }

  public record PartialEntry(RoundKey key, PartialUpdate update) implements Entry {
  }

  private static final byte SPEC = 'S';
  private static final byte CONTRIBUTION = 'C';
  private static final byte CONTRIBUTION_FLOAT32 = 'F';
  private static final byte PARTIAL = 'P';
  private static final String FILE = "journal.bin";
  private static final String NODE_ID_FILE = "node-id";

  private final AsyncFile file;
  private final boolean fsync;
  private final List<Entry> replayed;
  private final String nodeId;
  private Buffer batch = Buffer.buffer();
  private List<Promise<Void>> waiting = new ArrayList<>();
  private boolean writing;

  private Journal(AsyncFile file, boolean fsync, List<Entry> replayed, String nodeId) {
    this.file = file;
    this.fsync = fsync;
    this.replayed = replayed;
    this.nodeId = nodeId;
  }

  /** A journal that keeps nothing: every append succeeds at once. */
  public static Journal none(String nodeId) {
    return new Journal(null, false, List.of(), nodeId);
  }

  /**
   * Opens (creating) the journal in {@code dir} and reads what it holds.
   *
   * @param nodeId the configured node id, or empty to use the one stored in the directory (a new
   *               random one the first time), so a restarted node is the same child to its parent
   */
  public static Future<Journal> open(Vertx vertx, Path dir, boolean fsync, String nodeId) {
    String journal = dir.resolve(FILE).toString();
    String idFile = dir.resolve(NODE_ID_FILE).toString();
    return vertx.fileSystem().mkdirs(dir.toString())
        .compose(v -> vertx.fileSystem().exists(idFile))
        .compose(exists -> {
          if (!nodeId.isEmpty()) {
            return vertx.fileSystem().writeFile(idFile, Buffer.buffer(nodeId)).map(nodeId);
          }
          if (exists) {
            return vertx.fileSystem().readFile(idFile).map(b -> b.toString(StandardCharsets.UTF_8).trim());
          }
          String fresh = "edge-" + java.util.UUID.randomUUID().toString().substring(0, 8);
          return vertx.fileSystem().writeFile(idFile, Buffer.buffer(fresh)).map(fresh);
        })
        .compose(id -> vertx.fileSystem().exists(journal)
            .compose(exists -> exists ? vertx.fileSystem().readFile(journal) : Future.succeededFuture(Buffer.buffer()))
            .compose(bytes -> vertx.executeBlocking(() -> parse(bytes)))
            .compose(entries -> vertx.fileSystem().open(journal, new OpenOptions().setAppend(true).setCreate(true)
                    .setWrite(true))
                .map(f -> new Journal(f, fsync, entries, id))));
  }

  public String nodeId() {
    return nodeId;
  }

  /** What the journal held when it was opened. */
  public List<Entry> replayed() {
    return replayed;
  }

  public Future<Void> append(Entry entry) {
    if (file == null) {
      return Future.succeededFuture();
    }
    // Encoded straight into the batch (no per-record buffer to copy); the length goes in last.
    Buffer body = batch;
    int start = body.length();
    body.appendInt(0).appendLong(entry.key().job()).appendInt(entry.key().round());
    if (entry instanceof SpecEntry s) {
      body.appendByte(SPEC);
      string(body, s.spec().toJson().encode());
    } else if (entry instanceof ContributionEntry c) {
      boolean float32 = c.dtype() == DType.FLOAT32;
      body.appendByte(float32 ? CONTRIBUTION_FLOAT32 : CONTRIBUTION);
      string(body, c.dedupeKey());
      body.appendDouble(c.weight());
      if (float32) {
        floats(body, c.values());
      } else {
        doubles(body, c.values());
      }
    } else if (entry instanceof PartialEntry p) {
      body.appendByte(PARTIAL);
      string(body, p.update().nodeId());
      body.appendLong(p.update().version()).appendLong(p.update().contributors()).appendDouble(p.update().weight());
      doubles(body, p.update().state());
    }
    body.setInt(start, body.length() - start - 4);
    Promise<Void> done = Promise.promise();
    waiting.add(done);
    if (!writing) {
      writeBatch();
    }
    return done.future();
  }

  /**
   * Group commit: records appended while a write is in flight go out together in the next one,
   * so a busy node makes one file write (and fsync) per batch, not per upload.
   */
  private void writeBatch() {
    Buffer out = batch;
    List<Promise<Void>> told = waiting;
    batch = Buffer.buffer();
    waiting = new ArrayList<>();
    writing = true;
    Future<Void> written = file.write(out);
    (fsync ? written.compose(v -> file.flush()) : written).onComplete(ar -> {
      told.forEach(p -> p.handle(ar));
      if (waiting.isEmpty()) {
        writing = false;
      } else {
        writeBatch();
      }
    });
  }

  public Future<Void> close() {
    return file == null ? Future.succeededFuture() : file.close();
  }

  private static void string(Buffer out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.appendInt(b.length).appendBytes(b);
  }

  /** Big-endian doubles, encoded in bulk rather than one {@code appendDouble} (and capacity check) each. */
  private static void doubles(Buffer out, double[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Double.BYTES);
    bytes.asDoubleBuffer().put(values);
    out.appendInt(values.length).appendBytes(bytes.array());
  }

  /** Little-endian floats, as on the wire; only for values that arrived as float32 (so the cast is exact). */
  private static void floats(Buffer out, double[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer view = bytes.asFloatBuffer();
    for (double v : values) {
      view.put((float) v);
    }
    out.appendInt(values.length).appendBytes(bytes.array());
  }

  static List<Entry> parse(Buffer in) {
    List<Entry> entries = new ArrayList<>();
    int pos = 0;
    while (pos + 4 <= in.length()) {
      int len = in.getInt(pos);
      if (len <= 0 || pos + 4 + len > in.length()) {
        break;
      }
      Reader r = new Reader(in, pos + 4);
      RoundKey key = new RoundKey(r.longValue(), r.intValue());
      byte type = r.byteValue();
      switch (type) {
        case SPEC -> entries.add(new SpecEntry(key, RoundSpec.fromJson(new JsonObject(r.string()))));
        case CONTRIBUTION -> entries.add(new ContributionEntry(key, r.string(), r.doubleValue(), r.doubles(),
            DType.FLOAT64));
        case CONTRIBUTION_FLOAT32 -> entries.add(new ContributionEntry(key, r.string(), r.doubleValue(), r.floats(),
            DType.FLOAT32));
        case PARTIAL -> entries.add(new PartialEntry(key, new PartialUpdate(r.string(), r.longValue(), r.longValue(),
            r.doubleValue(), r.doubles())));
        default -> throw new IllegalStateException("journal record type " + type + " at byte " + pos + " is unknown");
      }
      pos += 4 + len;
    }
    return entries;
  }

  private static final class Reader {
    private final Buffer in;
    private int pos;

    Reader(Buffer in, int pos) {
      this.in = in;
      this.pos = pos;
    }

    long longValue() {
      long v = in.getLong(pos);
      pos += 8;
      return v;
    }

    int intValue() {
      int v = in.getInt(pos);
      pos += 4;
      return v;
    }

    byte byteValue() {
      return in.getByte(pos++);
    }

    double doubleValue() {
      double v = in.getDouble(pos);
      pos += 8;
      return v;
    }

    String string() {
      int n = intValue();
      String s = in.getString(pos, pos + n, "UTF-8");
      pos += n;
      return s;
    }

    double[] doubles() {
      double[] v = new double[intValue()];
      ByteBuffer.wrap(in.getBytes(pos, pos + v.length * Double.BYTES)).asDoubleBuffer().get(v);
      pos += v.length * Double.BYTES;
      return v;
    }

    double[] floats() {
      double[] v = new double[intValue()];
      FloatBuffer view = ByteBuffer.wrap(in.getBytes(pos, pos + v.length * Float.BYTES))
          .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      for (int i = 0; i < v.length; i++) {
        v[i] = view.get(i);
      }
      pos += v.length * Float.BYTES;
      return v;
    }
  }
}
