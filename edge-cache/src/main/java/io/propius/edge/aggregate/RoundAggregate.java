package io.propius.edge.aggregate;

import io.propius.api.PropiusException;
import io.propius.api.round.RoundSpec;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.PartialUpdate;
import io.propius.policy.reduce.Accumulator;
import io.propius.policy.reduce.Reducer;
import io.propius.policy.reduce.Reducers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's aggregate of one round: the contributions uploaded to this node, folded as they are
 * accepted, plus the newest partial of each child node. The subtree's total is their merge; its
 * version (the subtree's contributor count) only grows, which is what makes pushes idempotent.
 * Confined to the node's event loop.
 */
public final class RoundAggregate {
  private record ChildState(long version, Accumulator partial) {
  }

  private final RoundKey key;
  private final RoundSpec spec;
  private final Reducer reducer;
  private final Accumulator own;
  private final Map<String, ChildState> children = new HashMap<>();
  /**
   * The accumulator of the last batch merged, kept for the next one. One is enough: a batch fills
   * while the previous one is journaled, and takes the spare of the one before.
   */
  private Accumulator spare;
  /** Dedupe keys of the device contributions in {@link #own}, in the order they were counted. */
  private final CountedKeys counted = new CountedKeys();
  /**
   * Uploads in the subtree for the parent, not yet acknowledged by it (below the root only; a
   * sample, so at most {@link PartialUpdate#MAX_UPLOADS}; not journaled). Version 0: not pushed yet.
   */
  private final List<PartialUpdate.Upload> uploads = new ArrayList<>();
  private long childVersions;
  private long pushedVersion;
  private boolean pushing;
  private boolean closed;
  private boolean announced;
  private long lastChange;

  /** @param now when it is created, the start of its retention */
  public RoundAggregate(RoundKey key, RoundSpec spec, long now) {
    this.key = key;
    this.spec = spec;
    this.lastChange = now;
    this.reducer = loadReducer(spec);
    this.own = reducer.newAccumulator(spec.tensorLength());
  }

  /**
   * The reducer plug-in the spec names.
   *
   * @throws PropiusException INVALID_ARGUMENT listing the available reducers
   */
  private static Reducer loadReducer(RoundSpec spec) {
    try {
      return Reducers.load(spec.reducer(), RoundAggregate.class.getClassLoader());
    } catch (IllegalArgumentException e) {
      throw PropiusException.invalid(e.getMessage());
    }
  }

  public RoundKey key() {
    return key;
  }

  public RoundSpec spec() {
    return spec;
  }

  public Reducer reducer() {
    return reducer;
  }

  /** Folds one device contribution accepted at this node. */
  public void add(Contribution contribution) {
    contribution.foldInto(own);
  }

  /** Folds contributions accepted at this node and already summed (a journaled batch). */
  public void addAll(Accumulator contributions) {
    own.merge(contributions);
  }

  /** Notes the dedupe key of a contribution folded into {@link #own}. */
  public void counted(String dedupeKey) {
    counted.add(dedupeKey);
  }

  /**
   * The dedupe keys of the contributions folded here so far: for a compaction snapshot, or the
   * keys to forget when the round is retired.
   */
  public CountedKeys.View countedKeys() {
    return counted.view();
  }

  /**
   * An empty accumulator for contributions to this round: one given back by {@link #recycle}, cleared,
   * or a new one. Reusing them spares a busy node a fresh (zeroed) state vector per group commit.
   */
  public Accumulator newAccumulator() {
    Accumulator reused = spare;
    if (reused == null) {
      return reducer.newAccumulator(spec.tensorLength());
    }
    spare = null;
    reused.clear();
    return reused;
  }

  /**
   * Takes back an accumulator from {@link #newAccumulator} that nothing reads any more (its batch
   * journaled and merged, or failed), for a later batch.
   */
  public void recycle(Accumulator done) {
    spare = done;
  }

  /** The contributions uploaded to this node itself, without its children's. */
  public Accumulator own() {
    return own;
  }

  /** The newest partial held for each child, as the children pushed them. */
  public List<PartialUpdate> childPartials() {
    return children.entrySet().stream().map(e -> new PartialUpdate(e.getKey(), e.getValue().version,
        e.getValue().partial.contributors(), e.getValue().partial.weight(), e.getValue().partial.state())).toList();
  }

  /**
   * Notes a device's first upload counted in the subtree, to go up with the next push. Must be
   * called before the push covering its contribution starts, so that push carries it.
   */
  public void uploaded(String deviceId, int round, long atMs) {
    if (uploads.size() < PartialUpdate.MAX_UPLOADS) {
      uploads.add(new PartialUpdate.Upload(deviceId, round, atMs, 0));
    }
  }

  /** Notes a change at {@code now}: a round is retired only after a quiet retention period. */
  public void touch(long now) {
    lastChange = Math.max(lastChange, now);
  }

  /** When it last changed (created, contributed to, or a child's partial applied). */
  public long lastChange() {
    return lastChange;
  }

  /**
   * Keeps a child's partial if it is newer than the one held.
   *
   * @return whether it was newer (false: a repeat or an out-of-order push, changing nothing)
   * @throws IllegalArgumentException when the state does not fit this round's reducer and length
   */
  public boolean offer(PartialUpdate update) {
    return offered(update) != null;
  }

  /**
   * Keeps a child's partial if it is newer than the one held.
   *
   * @return null for a repeat or an out-of-order push (changing nothing), else the uploads it
   *     carries that no earlier applied push of the child carried
   * @throws IllegalArgumentException when the state does not fit this round's reducer and length
   */
  public List<PartialUpdate.Upload> offered(PartialUpdate update) {
    if (!isNewer(update)) {
      return null;
    }
    ChildState held = children.get(update.nodeId());
    long heldVersion = held == null ? 0 : held.version;
    Accumulator partial = reducer.fromState(spec.tensorLength(), update.contributors(), update.weight(), update.state());
    children.put(update.nodeId(), new ChildState(update.version(), partial));
    childVersions += update.version() - heldVersion;
    return update.uploads().stream().filter(u -> u.version() > heldVersion).toList();
  }

  /** Whether this partial is newer than the one held for its child. */
  public boolean isNewer(PartialUpdate update) {
    ChildState held = children.get(update.nodeId());
    return held == null || held.version < update.version();
  }

  /** The subtree's contributor count so far; also the version this node pushes with. */
  public long version() {
    return own.contributors() + childVersions;
  }

  /** The subtree's aggregate: this node's contributions merged with every child's newest partial. */
  public Accumulator total() {
    // fromState copies the state it is given: no copy of our own before that.
    Accumulator sum = reducer.fromState(spec.tensorLength(), own.contributors(), own.weight(), own.sharedState());
    children.values().forEach(c -> sum.merge(c.partial));
    return sum;
  }

  /** Contributions not yet acknowledged by the parent. */
  public long unpushed() {
    return version() - pushedVersion;
  }

  /** Starts a push unless one is running or nothing changed; the caller must call {@link #pushed} after. */
  public PartialUpdate beginPush(String nodeId) {
    if (pushing || unpushed() <= 0) {
      return null;
    }
    pushing = true;
    Accumulator total = total();
    long v = version();
    // An upload first goes up with this version; resent with it until the parent acknowledges it.
    uploads.replaceAll(u -> u.version() == 0 ? new PartialUpdate.Upload(u.deviceId(), u.round(), u.atMs(), v) : u);
    // The total is this push's own accumulator, so its state can go out without another copy.
    return new PartialUpdate(nodeId, v, total.contributors(), total.weight(), total.sharedState(),
        List.copyOf(uploads));
  }

  /** Whether a push to the parent is in flight. */
  public boolean pushing() {
    return pushing;
  }

  /** Ends a push; {@code acknowledged} is the version the parent holds now, or -1 when the push failed. */
  public void pushed(long acknowledged) {
    pushing = false;
    pushedVersion = Math.max(pushedVersion, acknowledged);
    uploads.removeIf(u -> u.version() != 0 && u.version() <= pushedVersion);
  }

  public boolean closed() {
    return closed;
  }

  public void close() {
    closed = true;
  }

  /** True the first time only: the root announces a ready aggregate once. */
  public boolean announceOnce() {
    if (announced) {
      return false;
    }
    announced = true;
    return true;
  }
}
