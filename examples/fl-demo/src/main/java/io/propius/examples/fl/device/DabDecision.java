package io.propius.examples.fl.device;

import io.propius.api.device.Offer;
import io.propius.client.allocation.DeadlineAwareAllocation;
import io.propius.client.device.OfferDecision;
import io.propius.client.device.PrivateAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated device's private choice: the first offer whose private constraints it meets and,
 * for a job it has benchmarked before, for which DAB (Eq. 3.5) says it can finish at least
 * {@code minShards} shards within the round's time. A job it does not know yet (or whose
 * benchmark is old) is tried, which is when it benchmarks itself.
 */
final class DabDecision implements OfferDecision {
  private final Map<Long, JobKnowledge> knowledge;
  private final int minShards;
  private final FleetStats stats;

  DabDecision(Map<Long, JobKnowledge> knowledge, int minShards, FleetStats stats) {
    this.knowledge = knowledge;
    this.minShards = minShards;
    this.stats = stats;
  }

  @Override
  public Optional<Offer> choose(List<Offer> offers, PrivateAttributes attributes) {
    stats.checkins.incrementAndGet();
    for (Offer offer : offers) {
      if (!OfferDecision.meets(offer, attributes)) {
        continue;
      }
      JobKnowledge k = knowledge.get(offer.jobId());
      if (k == null || !k.fresh(System.currentTimeMillis()) || DeadlineAwareAllocation.maxShards(k.benchmark(), k.roundBudgetMs(), k.planBytes(), 0,
          k.epochs()) >= minShards) {
        return Optional.of(offer);
      }
    }
    return Optional.empty();
  }
}
