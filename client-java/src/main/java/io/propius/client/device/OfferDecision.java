package io.propius.client.device;

import io.propius.api.device.Offer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The device's private choice among the offers of one check-in (best first, as the scheduler
 * ranked them). It sees the device's private attributes, which never leave the device; returning
 * empty declines every offer.
 */
@FunctionalInterface
public interface OfferDecision {
  Optional<Offer> choose(List<Offer> offers, PrivateAttributes privateAttributes);

  /**
   * The default: the first offer whose private constraints the device meets, each constraint
   * being a lower bound ({@code attribute >= value}); an attribute the device lacks fails it.
   */
  static OfferDecision meetsPrivateConstraints() {
    return (offers, attributes) -> offers.stream().filter(o -> meets(o, attributes)).findFirst();
  }

  /** Whether {@code attributes} satisfy every private constraint of {@code offer}. */
  static boolean meets(Offer offer, PrivateAttributes attributes) {
    for (Map.Entry<String, Double> c : offer.privateConstraints().entrySet()) {
      if (!(attributes.get(c.getKey()) >= c.getValue())) {
        return false;
      }
    }
    return true;
  }
}
