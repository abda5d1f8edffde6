package io.propius.policy.portal;

import io.propius.api.query.AttributeSource;
import io.propius.api.query.Constraints;
import io.propius.api.query.Query;
import io.propius.policy.ClientPortal;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link ClientPortal} over strata, one per client manager: each knows the exact number of
 * devices in its window and a uniform sample of their attributes. Proportions and subset sizes
 * are estimated per stratum and weighted by its size (exact when each sample is its whole window),
 * so the scheduler's view of millions of devices costs a few thousand attribute rows.
 */
public final class SampledClientPortal implements ClientPortal {
  /** One window: its device count and a uniform sample of its devices' attributes. */
  public record Stratum(long size, List<? extends AttributeSource> sample) {
    public Stratum {
      sample = List.copyOf(sample);
    }
  }

  private final List<Stratum> strata;
  private final long size;
  private final QueryCache queries = new QueryCache();

  public SampledClientPortal(List<Stratum> strata) {
    this.strata = List.copyOf(strata);
    this.size = strata.stream().mapToLong(Stratum::size).sum();
  }

  /** One window whose sample is all of it: every answer is exact. */
  public static SampledClientPortal exact(List<? extends AttributeSource> devices) {
    return new SampledClientPortal(List.of(new Stratum(devices.size(), devices)));
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public double proportion(Constraints publicConstraints) {
    return size == 0 ? 0 : estimate(publicConstraints::satisfiedBy) / size;
  }

  @Override
  public long subsetSize(String query) {
    Query q = queries.get(query);
    return Math.round(estimate(q::test));
  }

  /** One pass over the samples: each device's pattern, weighted by its stratum, then rounded. */
  @Override
  public Map<BitSet, Long> partition(List<String> queryTexts) {
    Query[] parsed = new Query[queryTexts.size()];
    for (int i = 0; i < parsed.length; i++) {
      parsed[i] = queries.get(queryTexts.get(i));
    }
    Map<BitSet, Double> weights = new HashMap<>();
    for (Stratum s : strata) {
      if (s.sample().isEmpty()) {
        continue;
      }
      double weight = (double) s.size() / s.sample().size();
      for (AttributeSource device : s.sample()) {
        BitSet bits = new BitSet(parsed.length);
        for (int i = 0; i < parsed.length; i++) {
          if (parsed[i].test(device)) {
            bits.set(i);
          }
        }
        weights.merge(bits, weight, Double::sum);
      }
    }
    Map<BitSet, Long> counts = new HashMap<>();
    weights.forEach((bits, w) -> {
      long n = Math.round(w);
      if (n > 0) {
        counts.put(bits, n);
      }
    });
    return counts;
  }

  /** Estimated number of devices in the window that match. */
  private double estimate(Predicate<AttributeSource> matches) {
    double total = 0;
    for (Stratum s : strata) {
      if (s.sample().isEmpty()) {
        continue;
      }
      int hits = 0;
      for (AttributeSource device : s.sample()) {
        if (matches.test(device)) {
          hits++;
        }
      }
      total += (double) hits / s.sample().size() * s.size();
    }
    return total;
  }
}
