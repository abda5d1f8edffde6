package io.propius.policy;

import io.propius.api.query.Constraints;

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
   * @throws io.propius.api.query.QuerySyntaxException for a query that does not parse
   */
  long subsetSize(String query);
}
