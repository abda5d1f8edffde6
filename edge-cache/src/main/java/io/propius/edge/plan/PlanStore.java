package io.propius.edge.plan;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.edge.round.RoundKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The directory where a node keeps its plans as files. Every stored plan gets a file name of its
 * own, so a plan being re-fetched never overwrites one being sent; evicted files are deleted (a
 * response already sending one keeps its open descriptor). A temporary directory is deleted at
 * stop; a configured one is kept (the root's published plans outlive a restart).
 */
public final class PlanStore {
  private final Vertx vertx;
  private final Path dir;
  private final long maxBytes;
  private final boolean temporary;
  /** Plan files an earlier run left in the directory (name → size), listed once when opened. */
  private final Map<String, Long> found;
  /** Names files apart from those of an earlier run of the node in the same directory. */
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private long next;

  private PlanStore(Vertx vertx, Path dir, long maxBytes, boolean temporary, Map<String, Long> found) {
    this.vertx = vertx;
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.temporary = temporary;
    this.found = found;
  }

  /**
   * Creates the directory if needed and lists the plan files already in it, on a worker thread.
   *
   * @param temporary delete the directory and its plans at {@link #close}
   */
  public static Future<PlanStore> open(Vertx vertx, Path dir, long maxBytes, boolean temporary) {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      Map<String, Long> found = new HashMap<>();
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (f.getFileName().toString().endsWith(".plan") && Files.isRegularFile(f)) {
            found.put(f.getFileName().toString(), Files.size(f));
          }
        }
      }
      return new PlanStore(vertx, dir, maxBytes, temporary, found);
    });
  }

  private Path nextFile(RoundKey key) {
    return dir.resolve(key.job() + "-" + key.round() + "-" + run + "-" + (next++) + ".plan");
  }

  /** A plan written by an earlier run, if its file was in the directory with this size when opened. */
  public Optional<Plan> existing(String fileName, long size, String etag) {
    Long found = this.found.get(fileName);
    return found != null && found == size ? Optional.of(new Plan(dir.resolve(fileName), size, etag))
        : Optional.empty();
  }

  /** Writes published bytes to a new file. */
  public Future<Plan> write(RoundKey key, Buffer bytes, String etag) {
    Path file = nextFile(key);
    return vertx.fileSystem().writeFile(file.toString(), bytes).map(v -> new Plan(file, bytes.length(), etag));
  }

  /** Streams a parent's response body into a new file (never whole in memory). */
  public Future<Plan> download(RoundKey key, HttpClientResponse resp, String etag) {
    String length = resp.getHeader("Content-Length");
    if (length != null && Long.parseLong(length) > maxBytes) {
      return Future.failedFuture(new PropiusException(ErrorCode.PAYLOAD_TOO_LARGE, "the parent's plan for " + key
          + " is " + length + " bytes, over dataPlane.maxPlanBytes " + maxBytes));
    }
    Path file = nextFile(key);
    resp.pause(); // until the file is open; the pipe resumes it
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .compose(out -> resp.pipeTo(out).compose(v -> vertx.fileSystem().props(file.toString())))
        .map(props -> new Plan(file, props.size(), etag));
  }

  /**
   * Deletes the plan files an earlier run left other than {@code keep}: cached plans and
   * unpublished leftovers, which nothing refers to any more.
   */
  public Future<Void> keepOnly(Set<Path> keep) {
    List<Path> stale = found.keySet().stream().map(dir::resolve).filter(f -> !keep.contains(f)).toList();
    found.clear();
    return vertx.executeBlocking(() -> {
      for (Path f : stale) {
        Files.deleteIfExists(f);
      }
      return null;
    });
  }

  public void delete(Plan plan) {
    vertx.fileSystem().delete(plan.file().toString());
  }

  /** Deletes the directory and every plan in it when it is temporary. */
  public Future<Void> close() {
    return temporary ? vertx.fileSystem().deleteRecursive(dir.toString()) : Future.succeededFuture();
  }
}
