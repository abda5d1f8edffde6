package io.propius.edge.aggregate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.round.RoundSpec;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.PartialUpdate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * An append-only log of what a node accepted: round specs, batches of device contributions,
 * child partials, published plans and retired rounds. A node appends before it acknowledges and
 * replays the log when it starts, so nothing it acknowledged is lost by a restart and a replayed
 * device token is still known as seen. Records are length-prefixed; a torn last record (a crash
 * mid-write) was never acknowledged and is dropped on replay.
 *
 * <p>The log does not grow for the life of the node: once the bytes appended since the last
 * compaction exceed both the configured threshold and twice the last snapshot, the journal writes a
 * snapshot of the node's live state (from the node's {@link #compactWith snapshot source}) to a
 * new file, on a worker thread while appends go on, then moves the records appended meanwhile
 * behind it and atomically replaces the old file. Confined to the node's event loop; the file is
 * written by one writer thread of its own, so records reach it in append order.
 */
public final class Journal {
  private static final System.Logger LOG = System.getLogger(Journal.class.getName());

  /** What a journal holds, in append order. */
  public sealed interface Entry permits SpecEntry, ContributionsEntry, CountedEntry, PartialEntry, PlanEntry,
      RetiredEntry {
    RoundKey key();
  }

  public record SpecEntry(RoundKey key, RoundSpec spec) implements Entry {
  }

  /**
   * Device contributions folded together: their dedupe keys and the reducer state of their sum.
   * A busy node journals one such record per group commit instead of every upload's tensor, so
   * its journal bytes per upload shrink as load grows.
   */
  public record ContributionsEntry(RoundKey key, List<String> dedupeKeys, long contributors, double weight,
                                   double[] state) implements Entry {
  }

  /**
   * Every contribution folded into a round, for a compaction snapshot: written as a
   * {@link ContributionsEntry} record (and replayed as one), its dedupe keys copied as they were
   * encoded when counted instead of encoded again.
   */
  public record CountedEntry(RoundKey key, CountedKeys.View dedupeKeys, long contributors, double weight,
                             double[] state) implements Entry {
  }

  public record PartialEntry(RoundKey key, PartialUpdate update) implements Entry {
  }

  /** A plan published at the root, kept as {@code file} in the node's plan directory. */
  public record PlanEntry(RoundKey key, String file, long size, String etag) implements Entry {
  }

  /** A round the node forgot after its retention: later uploads and pushes for it are refused. */
  public record RetiredEntry(RoundKey key) implements Entry {
  }

  private static final byte SPEC = 'S';
  private static final byte CONTRIBUTIONS = 'D';
  private static final byte PARTIAL = 'P';
  private static final byte PLAN = 'L';
  private static final byte RETIRED = 'R';
  /** The file name carries the record format's version: a journal of another format is never misread. */
  public static final String FILE = "journal-v2.bin";
  private static final String COMPACTING = FILE + ".compacting";
  /** The first format (one record per upload, big-endian doubles); not readable by this one. */
  private static final String OLD_FILE = "journal.bin";
  private static final String NODE_ID_FILE = "node-id";

  private final Vertx vertx;
  private final Path dir;
  private final boolean fsync;
  private final long compactBytes;
  private final List<Entry> replayed;
  private final String nodeId;
  /** One thread, so writes run (and complete) in the order they were submitted. */
  private final WorkerExecutor writer;
  /** Only used on the writer thread; replaced by compaction while no write is in flight. */
  private FileChannel channel;
  private Supplier<List<Entry>> snapshot;
  private long fileBytes;
  private long lastSnapshotBytes;
  private long compactions;
  /** Snapshots started: with {@link #instance}, each snapshot file's own name. */
  private long snapshotsStarted;
  /** Names this journal's snapshot files apart from those of an earlier or later one on the same directory. */
  private final String instance = Long.toHexString(ThreadLocalRandom.current().nextLong());
  /** Records appended since the last write began: the next group commit. */
  private List<Entry> queued = new ArrayList<>();
  private List<Promise<Void>> waiting = new ArrayList<>();
  /**
   * Only used on the writer thread: where a group commit is encoded. Reused and direct, so a commit
   * is neither allocated zeroed nor grown per write, nor copied again by the channel.
   */
  private final ByteBuf commitBuffer;
  private boolean writing;
  /** The snapshot being written beside the log while appends go on; null when none is. */
  private Future<Prepared> compacting;
  /** A snapshot written and forced, waiting for the log's tail to be moved behind it. */
  private Prepared prepared;
  private boolean closed;
  /** The last write (or compaction switch) handed to the writer thread. */
  private Future<?> lastWrite = Future.succeededFuture();
  /**
   * Set when the file's end is unknown (a failed write could not be cut off, or the log could not
   * be reopened after a compaction): nothing can be appended safely.
   */
  private PropiusException broken;

  private Journal(Vertx vertx, Path dir, WorkerExecutor writer, FileChannel channel, boolean fsync, long compactBytes,
                  List<Entry> replayed, long replayedBytes, String nodeId) {
    this.vertx = vertx;
    this.dir = dir;
    this.writer = writer;
    this.commitBuffer = writer == null ? null : Unpooled.directBuffer(64 * 1024);
    this.channel = channel;
    this.fsync = fsync;
    this.compactBytes = compactBytes;
    this.replayed = replayed;
    this.fileBytes = replayedBytes;
    this.nodeId = nodeId;
  }

  /** A journal that keeps nothing: every append succeeds at once. */
  public static Journal none(String nodeId) {
    return new Journal(null, null, null, null, false, Long.MAX_VALUE, List.of(), 0, nodeId);
  }

  /**
   * Opens (creating) the journal in {@code dir} and reads what it holds.
   *
   * @param nodeId       the configured node id, or empty to use the one stored in the directory (a
   *                     new random one the first time), so a restarted node is the same child to its parent
   * @param compactBytes compact once this many bytes were appended since the last compaction (and
   *                     more than twice the last snapshot's size, so rewriting the live state costs at
   *                     most half a byte per byte appended)
   */
  public static Future<Journal> open(Vertx vertx, Path dir, boolean fsync, long compactBytes, String nodeId) {
    String journal = dir.resolve(FILE).toString();
    String idFile = dir.resolve(NODE_ID_FILE).toString();
    return vertx.fileSystem().mkdirs(dir.toString())
        .compose(v -> vertx.fileSystem().exists(dir.resolve(OLD_FILE).toString()))
        .compose(old -> old ? Future.failedFuture(new IllegalStateException(dir.resolve(OLD_FILE)
            + " is a journal of an earlier format that this version cannot replay: run the earlier version until"
            + " its parent has every partial (or nothing is left to push), then remove the file")) : Future.succeededFuture())
        .compose(v -> vertx.fileSystem().exists(idFile))
        .compose(exists -> {
          if (!nodeId.isEmpty()) {
            return vertx.fileSystem().writeFile(idFile, Buffer.buffer(nodeId)).map(nodeId);
          }
          if (exists) {
            return vertx.fileSystem().readFile(idFile).map(b -> b.toString(StandardCharsets.UTF_8).trim());
          }
          String fresh = "edge-" + UUID.randomUUID().toString().substring(0, 8);
          return vertx.fileSystem().writeFile(idFile, Buffer.buffer(fresh)).map(fresh);
        })
        .compose(id -> vertx.fileSystem().exists(journal)
            .compose(exists -> exists ? vertx.fileSystem().readFile(journal) : Future.succeededFuture(Buffer.buffer()))
            .compose(bytes -> vertx.executeBlocking(() -> {
              removeSnapshotsOf(dir, COMPACTING); // a crash mid-compaction left it; never read
              return parse(bytes);
            })
                .compose(entries -> {
                  WorkerExecutor writer = vertx.createSharedWorkerExecutor("propius-journal-" + dir.toAbsolutePath(), 1);
                  return writer.executeBlocking(() -> appending(Path.of(journal)))
                      .onFailure(err -> writer.close())
                      .map(ch -> new Journal(vertx, dir, writer, ch, fsync, compactBytes, entries, bytes.length(), id));
                })));
  }

  private static FileChannel appending(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  public String nodeId() {
    return nodeId;
  }

  /** Whether appends are kept (false for {@link #none}). */
  public boolean keeps() {
    return writer != null;
  }

  /** Bytes in the journal file: the last snapshot and the records appended after it. */
  public long bytes() {
    return fileBytes;
  }

  /** Compactions done since it was opened. */
  public long compactions() {
    return compactions;
  }

  /** What the journal held when it was opened. */
  public List<Entry> replayed() {
    return replayed;
  }

  /**
   * Sets where compaction takes the node's live state from. The snapshot is taken on the event
   * loop between two writes, so it must reflect exactly the effects of the records written so
   * far: a record still queued, or appended while the snapshot is being written, ends up after
   * the snapshot in the new file. Its entries are encoded on a worker thread, so they must not
   * share mutable state with the node.
   */
  public void compactWith(Supplier<List<Entry>> snapshot) {
    this.snapshot = snapshot;
  }

  /**
   * Appends a record; the future completes once it is in the file (and on disk, with fsync), or
   * fails with {@code UNAVAILABLE} when the write failed and nothing of it was kept. The record is
   * encoded later, on the writer thread: the entry must not change after it is appended.
   */
  public Future<Void> append(Entry entry) {
    if (writer == null) {
      return Future.succeededFuture();
    }
    if (broken != null) {
      return Future.failedFuture(broken);
    }
    queued.add(entry);
    Promise<Void> done = Promise.promise();
    waiting.add(done);
    writeNext();
    return done.future();
  }

  /**
   * Group commit: records appended while a write (or a compaction) is in flight go out together in
   * the next write, so a busy node makes one file write (and fsync) per batch, not per record.
   * Measured: letting two writes overlap made the batches smaller, and the node slower.
   */
  private void writeNext() {
    if (writing) {
      return;
    }
    // Taken before the call: a future that is already complete runs its handlers at once, and
    // they call this method again.
    Prepared ready = closed ? null : prepared;
    if (ready != null) {
      prepared = null;
      writing = true;
      lastWrite = switchTo(ready).onComplete(c -> {
        writing = false;
        writeNext();
      });
      return;
    }
    if (waiting.isEmpty()) {
      return;
    }
    // Set first, so a snapshot finished at once waits for this write to complete before switching.
    writing = true;
    if (snapshot != null && compacting == null && !closed
        && fileBytes - lastSnapshotBytes >= Math.max(compactBytes, 2 * lastSnapshotBytes)) {
      prepareSnapshot();
    }
    List<Entry> entries = queued;
    List<Promise<Void>> told = waiting;
    queued = new ArrayList<>();
    waiting = new ArrayList<>();
    FileChannel ch = channel;
    // Encoded on the writer thread as well: the event loop only hands the records over.
    Future<Integer> written = broken != null ? Future.failedFuture(broken) : writer.executeBlocking(() -> {
      ByteBuf out = commitBuffer.clear();
      entries.forEach(e -> encode(out, e));
      write(ch, out);
      return out.readableBytes();
    });
    lastWrite = written.recover(err -> {
      if (err instanceof TornTail) {
        broken = new PropiusException(ErrorCode.UNAVAILABLE, "the journal's end is unknown after a failed write: "
            + err.getMessage());
        LOG.log(System.Logger.Level.ERROR, broken.getMessage());
      }
      return Future.failedFuture(err instanceof PropiusException ? err : new PropiusException(ErrorCode.UNAVAILABLE,
          "the journal write failed (" + err.getMessage() + "): nothing was accepted, retry"));
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        fileBytes += ar.result(); // a failed write was cut off the file
      }
      // Still "writing" while the appenders are told: what they append meanwhile waits for the
      // next write, and no snapshot is taken before every record written is applied.
      told.forEach(p -> p.handle(ar.mapEmpty()));
      writing = false;
      writeNext();
    });
  }

  /** Runs on the writer thread. A failed write is cut off, so the next record does not follow a torn one. */
  private void write(FileChannel ch, ByteBuf out) throws IOException {
    long end = ch.size();
    try {
      writeAll(ch, out);
      if (fsync) {
        ch.force(false);
      }
    } catch (IOException e) {
      try {
        ch.truncate(end);
      } catch (IOException cut) {
        throw new TornTail(cut.getMessage());
      }
      throw e;
    }
  }

  private static void writeAll(FileChannel ch, ByteBuf out) throws IOException {
    writeAll(ch, out.nioBuffer());
  }

  private static void writeAll(FileChannel ch, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      ch.write(bytes);
    }
  }

  /** A write failed and the file could not be cut back to its last whole record. */
  private static final class TornTail extends IOException {
    TornTail(String message) {
      super(message);
    }
  }

  /** A snapshot written beside the log: its file, its size, and the log's length it reflects. */
  private record Prepared(Path file, long bytes, long logOffset) {
  }

  /** What a compaction left: the reopened log (null if reopening failed) and the new file's size. */
  private record Compacted(FileChannel channel, long bytes, IOException reopenError) {
  }

  /**
   * Compaction, first phase: a snapshot of the live state, written beside the log and forced to
   * disk on a worker thread while the writer thread goes on appending to the log. The snapshot is
   * taken here, on the event loop, before the next write is handed over and after every written
   * record was applied, so it reflects exactly the log's first {@code fileBytes} bytes. When it
   * fails the log is kept and appends go on.
   */
  private void prepareSnapshot() {
    List<Entry> live = snapshot.get();
    long logOffset = fileBytes;
    // A name of its own: a snapshot given up on after a failed switch is deleted in the background,
    // which must not hit the next one, nor that of the journal reopened after this one is closed.
    Path temp = dir.resolve(COMPACTING + "-" + instance + "-" + (++snapshotsStarted));
    // Not on the writer thread: the snapshot (every seen device token) takes milliseconds to
    // write and force, and the appends of that time would wait behind it.
    compacting = vertx.executeBlocking(() -> {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        long bytes = writeSnapshot(ch, live);
        ch.force(true);
        return new Prepared(temp, bytes, logOffset);
      }
    }, false);
    compacting.onComplete(ar -> {
      compacting = null;
      if (ar.failed()) {
        compactionFailed(ar.cause());
      } else if (!closed) {
        prepared = ar.result();
        writeNext();
      }
    });
  }

  /**
   * Compaction, second phase, on the writer thread between two writes: the records appended since
   * the snapshot was taken are copied behind it and the new file is renamed over the log, so a
   * process crash at any point leaves either the old log or the new one whole.
   */
  private Future<Void> switchTo(Prepared ready) {
    Path target = dir.resolve(FILE);
    FileChannel old = channel;
    long logBytes = fileBytes;
    return writer.executeBlocking(() -> {
      long tail = logBytes - ready.logOffset();
      try (FileChannel from = FileChannel.open(target, StandardOpenOption.READ);
           FileChannel to = FileChannel.open(ready.file(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        for (long copied = 0; copied < tail; ) {
          copied += from.transferTo(ready.logOffset() + copied, tail - copied, to);
        }
        // The snapshot is on disk already. The tail, megabytes appended in the meantime, is forced
        // only when appends are: without fsync an OS crash may lose the latest records anyway, and
        // forcing it held the writer (and every acknowledgement) for ~25 ms per compaction.
        if (fsync) {
          to.force(true);
        }
      }
      Files.move(ready.file(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try {
        return new Compacted(appending(target), ready.bytes() + tail, null);
      } catch (IOException e) {
        return new Compacted(null, ready.bytes() + tail, e);
      }
    }).transform(ar -> {
      if (ar.failed()) {
        discard(ready.file());
        compactionFailed(ar.cause());
        return Future.failedFuture(ar.cause());
      }
      // The old channel refers to the replaced file, which nothing reads again. Its last close frees
      // the file (~10 ms for tens of megabytes), so it is not done on the writer thread.
      vertx.executeBlocking(() -> {
        old.close();
        return null;
      }, false);
      Compacted done = ar.result();
      if (done.channel() == null) {
        // The old channel wrote to the replaced file: appending there would be lost.
        broken = new PropiusException(ErrorCode.UNAVAILABLE, "the journal could not be reopened after compaction: "
            + done.reopenError().getMessage());
        LOG.log(System.Logger.Level.ERROR, broken.getMessage());
        return Future.failedFuture(broken);
      }
      channel = done.channel();
      LOG.log(System.Logger.Level.DEBUG, "journal of " + nodeId + " compacted from " + fileBytes + " to "
          + done.bytes() + " bytes");
      fileBytes = done.bytes();
      lastSnapshotBytes = ready.bytes();
      compactions++;
      return Future.succeededFuture();
    });
  }

  private void compactionFailed(Throwable cause) {
    LOG.log(System.Logger.Level.WARNING, "journal compaction of " + nodeId + " failed, keeping the log: "
        + cause.getMessage());
    // Tried again once as much again was appended, not before every write.
    lastSnapshotBytes = Math.max(lastSnapshotBytes, fileBytes);
  }

  /** Deletes snapshot files never switched to (a closed journal's, or a crashed node's). */
  private static void removeSnapshotsOf(Path dir, String prefix) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().startsWith(prefix)) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /** Removes a snapshot that will not be used, off the event loop. A leftover is never read. */
  private void discard(Path file) {
    vertx.executeBlocking(() -> Files.deleteIfExists(file), false);
  }

  /** Closes the file once the writes submitted before are done. */
  public Future<Void> close() {
    if (writer == null) {
      return Future.succeededFuture();
    }
    closed = true;
    // A snapshot still being written is dropped, not switched to: the log stays whole. The channel
    // is read once the last write is done, as a compaction switch replaces it.
    Future<?> snapshotDone = compacting != null ? compacting : Future.succeededFuture();
    return Future.join(lastWrite, snapshotDone).transform(c -> {
      FileChannel ch = channel;
      return writer.executeBlocking(() -> {
        commitBuffer.release();
        ch.close();
        removeSnapshotsOf(dir, COMPACTING + "-" + instance);
        return null;
      });
    }).eventually(writer::close).mapEmpty();
  }

  /**
   * Writes a snapshot's records one after the other, each through one small buffer, so no buffer
   * of the whole snapshot is allocated: a round's dedupe keys go from their encoded chunks to the
   * file as they are.
   *
   * @return the bytes written
   */
  private static long writeSnapshot(FileChannel ch, List<Entry> live) throws IOException {
    ByteBuf out = Unpooled.buffer(64 * 1024);
    long written = 0;
    for (Entry e : live) {
      out.clear();
      if (e instanceof CountedEntry c) {
        // The record's length is known up front: the header, the keys' bytes, then the state's.
        long length = 8 + 4 + 1 + 4 + c.dedupeKeys().bytes() + 8 + 8 + 4 + (long) c.state().length * Double.BYTES;
        if (length > Integer.MAX_VALUE) {
          throw new IOException("a snapshot record of " + length + " bytes does not fit the journal's format");
        }
        out.writeInt((int) length).writeLong(c.key().job()).writeInt(c.key().round()).writeByte(CONTRIBUTIONS)
            .writeInt(c.dedupeKeys().count());
        writeAll(ch, out);
        for (ByteBuffer keys : c.dedupeKeys().chunks()) {
          writeAll(ch, keys);
        }
        contributionsTail(out.clear(), c.contributors(), c.weight(), c.state());
        writeAll(ch, out);
        written += 4 + length;
      } else {
        encode(out, e);
        written += out.readableBytes();
        writeAll(ch, out);
      }
    }
    return written;
  }

  /** Encodes one record into {@code out}; the length prefix is filled in last, so nothing is copied twice. */
  private static void encode(ByteBuf out, Entry entry) {
    int start = out.writerIndex();
    out.writeInt(0).writeLong(entry.key().job()).writeInt(entry.key().round());
    if (entry instanceof SpecEntry s) {
      out.writeByte(SPEC);
      string(out, s.spec().toJson().encode());
    } else if (entry instanceof ContributionsEntry c) {
      out.writeByte(CONTRIBUTIONS).writeInt(c.dedupeKeys().size());
      c.dedupeKeys().forEach(k -> string(out, k));
      contributionsTail(out, c.contributors(), c.weight(), c.state());
    } else if (entry instanceof CountedEntry c) {
      out.writeByte(CONTRIBUTIONS).writeInt(c.dedupeKeys().count());
      c.dedupeKeys().chunks().forEach(out::writeBytes);
      contributionsTail(out, c.contributors(), c.weight(), c.state());
    } else if (entry instanceof PartialEntry p) {
      out.writeByte(PARTIAL);
      string(out, p.update().nodeId());
      out.writeLong(p.update().version()).writeLong(p.update().contributors()).writeDouble(p.update().weight());
      doubles(out, p.update().state());
    } else if (entry instanceof PlanEntry p) {
      out.writeByte(PLAN);
      string(out, p.file());
      out.writeLong(p.size());
      string(out, p.etag());
    } else {
      out.writeByte(RETIRED);
    }
    out.setInt(start, out.writerIndex() - start - 4);
  }

  /** What a contributions record holds after its dedupe keys. */
  private static void contributionsTail(ByteBuf out, long contributors, double weight, double[] state) {
    out.writeLong(contributors).writeDouble(weight);
    doubles(out, state);
  }

  private static void string(ByteBuf out, String s) {
    int at = out.writerIndex();
    out.writeInt(0);
    out.setInt(at, out.writeCharSequence(s, StandardCharsets.UTF_8));
  }

  /**
   * Little-endian doubles copied straight into the record in one bulk put: no intermediate array
   * and, on the little-endian machines edge nodes run on, no byte swapping.
   */
  private static void doubles(ByteBuf out, double[] values) {
    int bytes = values.length * Double.BYTES;
    out.writeInt(values.length).ensureWritable(bytes);
    out.nioBuffer(out.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(values);
    out.writerIndex(out.writerIndex() + bytes);
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
        case CONTRIBUTIONS -> {
          List<String> keys = new ArrayList<>();
          for (int n = r.intValue(); n > 0; n--) {
            keys.add(r.string());
          }
          entries.add(new ContributionsEntry(key, keys, r.longValue(), r.doubleValue(), r.doubles()));
        }
        case PARTIAL -> entries.add(new PartialEntry(key, new PartialUpdate(r.string(), r.longValue(), r.longValue(),
            r.doubleValue(), r.doubles())));
        case PLAN -> entries.add(new PlanEntry(key, r.string(), r.longValue(), r.string()));
        case RETIRED -> entries.add(new RetiredEntry(key));
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
      ByteBuffer.wrap(in.getBytes(pos, pos + v.length * Double.BYTES)).order(ByteOrder.LITTLE_ENDIAN)
          .asDoubleBuffer().get(v);
      pos += v.length * Double.BYTES;
      return v;
    }
  }
}
