package io.propius.server.store;

import java.util.List;
import java.util.Map;

/**
 * A client manager's request, in small-batch mode, to make offers of one open round: the store
 * grants as many as fit under the round's offer budget, counting the unexpired offers that every
 * instance on every node has made of that round and whose devices have not bound yet. This is what
 * keeps the offers of a round within {@code devices.overOffer} × its open slots however many
 * instances hold devices; the slot itself is still taken only by {@link JobStore#reserve}.
 *
 * @param devices   the devices to offer a slot, in the order they should get one
 * @param released  offers of this round made before that their devices will not use (they checked in
 *                  again), by device with the expiry they were granted with: they stop counting before
 *                  anything is granted, unless the device has been offered again since (another expiry)
 * @param overOffer offers that may be out per open slot (≥ 1)
 * @param expiresAt when the offers expire (the offer tokens' expiry): they stop counting then
 */
public record OfferClaim(long jobId, int round, List<String> devices, Map<String, Long> released, double overOffer,
                         long expiresAt) {
  public OfferClaim {
    devices = List.copyOf(devices);
    released = Map.copyOf(released);
  }

  /** Offers a round may have out with this many open slots; the Redis script computes the same. */
  public static int budget(double overOffer, int openSlots) {
    // The epsilon keeps 1.1 × 10 at 11 despite binary fractions (the Lua script adds the same).
    return openSlots <= 0 ? 0 : (int) Math.floor(overOffer * openSlots + 1e-9);
  }
}
