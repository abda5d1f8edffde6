package io.propius.policy;

import io.propius.api.query.Constraints;
import io.propius.api.query.QuerySyntaxException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a policy may know about devices: the client database portal of the paper's Table 3. It
 * describes the devices in the client managers' sliding windows (recently checked in), not every
 * device that exists.
 */
public interface ClientPortal {
  /** Devices in the window. */
  long size();

  /** Fraction (0..1) of the devices in the window that satisfy the public constraints; 0 when empty. */
  double proportion(Constraints publicConstraints);

  /**
   * Devices in the window whose public attributes satisfy a query in the Propius query language.
   *
   * @throws QuerySyntaxException for a query that does not parse
   */
  long subsetSize(String query);

  /**
   * The devices in the window split by which of these queries they satisfy: for every pattern
   * that some device has (bit i set when the device satisfies {@code queries.get(i)}), how many
   * devices have exactly that pattern. Patterns no device has are left out, so policies that reason
   * about overlapping eligibility (IRS, fair share) pay for the patterns that exist, not for all
   * 2^n. The default asks {@link #subsetSize} for each pattern, splitting one query at a time and
   * dropping empty branches; portals that can do better in one pass override it.
   *
   * @throws QuerySyntaxException for a query that does not parse
   */
  default Map<BitSet, Long> partition(List<String> queries) {
    Map<BitSet, Long> out = new HashMap<>();
    split(queries, "true", size(), 0, new BitSet(), out);
    return out;
  }

  private void split(List<String> queries, String prefix, long count, int i, BitSet bits, Map<BitSet, Long> out) {
    if (count <= 0) {
      return;
    }
    if (i == queries.size()) {
      out.put(bits, count);
      return;
    }
    String yes = prefix + " and (" + queries.get(i) + ")";
    long matching = subsetSize(yes);
    BitSet withBit = (BitSet) bits.clone();
    withBit.set(i);
    split(queries, yes, matching, i + 1, withBit, out);
    split(queries, prefix + " and not (" + queries.get(i) + ")", count - matching, i + 1, bits, out);
  }
}
