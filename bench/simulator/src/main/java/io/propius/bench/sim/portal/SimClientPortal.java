package io.propius.bench.sim.portal;

import io.propius.api.query.AttributeSource;
import io.propius.api.query.Constraints;
import io.propius.api.query.Query;
import io.propius.policy.ClientPortal;
import io.propius.bench.sim.device.EligibilityMix;
import io.propius.bench.sim.engine.IdlePools;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client portal a policy sees in the simulation: the idle online devices (those that check in,
 * so those in the client managers' sliding windows), counted per eligibility mask. A device's
 * public attributes are {@code class_1} .. {@code class_4}, 1 when it meets the class and 0
 * otherwise. Answers are exact (the server's are sampled).
 */
public final class SimClientPortal implements ClientPortal {
  private static final AttributeSource[] MASK_ATTRIBUTES = new AttributeSource[EligibilityMix.MASKS];

  static {
    for (int m = 0; m < EligibilityMix.MASKS; m++) {
      int mask = m;
      MASK_ATTRIBUTES[m] = name -> {
        for (int k = 1; k <= EligibilityMix.CLASSES; k++) {
          if (name.equals(EligibilityMix.attribute(k))) {
            return EligibilityMix.eligible(mask, k) ? 1 : 0;
          }
        }
        return Double.NaN;
      };
    }
  }

  private final IdlePools pools;
  private final Map<String, Query> parsed = new HashMap<>();

  /** Over pools indexed by eligibility mask. */
  public SimClientPortal(IdlePools pools) {
    this.pools = pools;
  }

  /** A device with this mask, as the attributes a query or constraint reads. */
  public static AttributeSource attributes(int mask) {
    return MASK_ATTRIBUTES[mask];
  }

  @Override
  public long size() {
    return pools.total();
  }

  @Override
  public double proportion(Constraints publicConstraints) {
    long total = pools.total();
    if (total == 0) {
      return 0;
    }
    long n = 0;
    for (int m = 0; m < EligibilityMix.MASKS; m++) {
      if (pools.size(m) > 0 && publicConstraints.satisfiedBy(MASK_ATTRIBUTES[m])) {
        n += pools.size(m);
      }
    }
    return (double) n / total;
  }

  @Override
  public long subsetSize(String query) {
    return count(parsed.computeIfAbsent(query, Query::parse));
  }

  /** One pass over the 16 masks instead of the default's query per pattern. */
  @Override
  public Map<BitSet, Long> partition(List<String> queries) {
    Query[] qs = new Query[queries.size()];
    for (int i = 0; i < qs.length; i++) {
      qs[i] = parsed.computeIfAbsent(queries.get(i), Query::parse);
    }
    Map<BitSet, Long> out = new HashMap<>();
    for (int m = 0; m < EligibilityMix.MASKS; m++) {
      if (pools.size(m) == 0) {
        continue;
      }
      BitSet bits = new BitSet();
      for (int i = 0; i < qs.length; i++) {
        if (qs[i].test(MASK_ATTRIBUTES[m])) {
          bits.set(i);
        }
      }
      out.merge(bits, (long) pools.size(m), Long::sum);
    }
    return out;
  }

  private long count(Query q) {
    long n = 0;
    for (int m = 0; m < EligibilityMix.MASKS; m++) {
      if (pools.size(m) > 0 && q.test(MASK_ATTRIBUTES[m])) {
        n += pools.size(m);
      }
    }
    return n;
  }
}
