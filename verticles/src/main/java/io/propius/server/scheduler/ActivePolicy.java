package io.propius.server.scheduler;

import io.propius.policy.Policies;
import io.propius.policy.PolicyContext;
import io.propius.policy.SchedulingPolicy;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The scheduling policy in force. An operator can switch it at run time; the scheduler reads it at
 * the start of every run, so a switch takes effect at the next tick (a run under way finishes with
 * the policy it started with).
 */
public final class ActivePolicy {
  /**
   * One policy and the options it was initialised with.
   *
   * @param sinceMs when it came into force, ms since the epoch
   */
  public record InForce(SchedulingPolicy policy, Map<String, String> options, long sinceMs) {
    public JsonObject toJson() {
      return new JsonObject().put("policy", policy.name()).put("options", new JsonObject(Map.copyOf(options)))
          .put("since_ms", sinceMs);
    }
  }

  private final LongSupplier clock;
  private final long seed;
  private volatile InForce current;

  /** @param initial already initialised with {@code options} */
  public ActivePolicy(SchedulingPolicy initial, Map<String, String> options, LongSupplier clock, long seed) {
    this.clock = clock;
    this.seed = seed;
    this.current = new InForce(initial, Map.copyOf(options), clock.getAsLong());
  }

  public SchedulingPolicy get() {
    return current.policy();
  }

  public InForce current() {
    return current;
  }

  /**
   * Loads and initialises {@code name} with {@code options}, then puts it in force.
   *
   * @return the policy it replaced
   * @throws IllegalArgumentException for a policy not on the class path or options it rejects;
   *     nothing changes then
   */
  public InForce switchTo(String name, Map<String, String> options) {
    SchedulingPolicy next = Policies.load(name, ActivePolicy.class.getClassLoader());
    next.init(new PolicyContext(clock, seed, options));
    InForce previous = current;
    current = new InForce(next, Map.copyOf(options), clock.getAsLong());
    return previous;
  }
}
