package io.propius.bench.sim.method;

import io.propius.policy.Policies;
import java.util.ArrayList;
import java.util.List;

/**
 * The methods an experiment can compare, by name: {@code static}, {@code static-fixed}, {@code random}
 * (the paper's baselines) and {@code propius-<policy>} for Propius in online mode with any scheduling policy on
 * the class path (loaded with {@link java.util.ServiceLoader}, as the server loads it), and
 * {@code batch-<policy>} for Propius in small-batch mode.
 */
public final class Methods {
  /** The online policies the experiments compare. */
  public static final List<String> ONLINE_POLICIES = List.of("fifo", "random", "srsf", "srtf", "las", "irs");
  /** The small-batch policies the experiments compare. */
  public static final List<String> BATCH_POLICIES = List.of("irs", "fair-share");

  private Methods() {
  }

  /** A fresh method (each run needs its own: methods keep per-run state). */
  public static SelectionMethod create(String name) {
    switch (name) {
      case "static":
        return new StaticPartitioning(false);
      case "static-fixed":
        return new StaticPartitioning(true);
      case "random":
        return new PureRandom();
      default:
        if (name.startsWith("propius-")) {
          return new OnlinePropius(Policies.load(name.substring("propius-".length())));
        }
        if (name.startsWith("batch-")) {
          return new SmallBatchPropius(Policies.load(name.substring("batch-".length())));
        }
        throw new IllegalArgumentException("unknown method '" + name + "'; methods: " + String.join(", ", all()));
    }
  }

  /** Every method whose policy is on the class path: the baselines first. */
  public static List<String> all() {
    List<String> names = new ArrayList<>(List.of("static", "static-fixed", "random"));
    List<String> available = Policies.available(Methods.class.getClassLoader());
    for (String p : ONLINE_POLICIES) {
      if (available.contains(p)) {
        names.add("propius-" + p);
      }
    }
    for (String p : BATCH_POLICIES) {
      if (available.contains(p)) {
        names.add("batch-" + p);
      }
    }
    return names;
  }
}
