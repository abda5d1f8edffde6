package io.propius.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds scheduling policies on the class path with {@link ServiceLoader}. */
public final class Policies {
  private Policies() {
  }

  /**
   * A new instance of the policy with this name.
   *
   * @throws IllegalArgumentException naming the available policies when none has this name, or
   *     when two plug-ins claim it
   */
  public static SchedulingPolicy load(String name, ClassLoader classLoader) {
    TreeMap<String, SchedulingPolicy> all = all(classLoader);
    SchedulingPolicy policy = all.get(name);
    if (policy == null) {
      throw new IllegalArgumentException("no scheduling policy named '" + name + "'; available: "
          + String.join(", ", all.keySet()));
    }
    return policy;
  }

  public static SchedulingPolicy load(String name) {
    return load(name, Policies.class.getClassLoader());
  }

  /** Names of all policies on the class path, sorted. */
  public static List<String> available(ClassLoader classLoader) {
    return new ArrayList<>(all(classLoader).keySet());
  }

  private static TreeMap<String, SchedulingPolicy> all(ClassLoader classLoader) {
    TreeMap<String, SchedulingPolicy> byName = new TreeMap<>();
    try {
      for (SchedulingPolicy p : ServiceLoader.load(SchedulingPolicy.class, classLoader)) {
        SchedulingPolicy previous = byName.put(p.name(), p);
        if (previous != null && previous.getClass() != p.getClass()) {
          throw new IllegalArgumentException("two scheduling policies are named '" + p.name() + "': "
              + previous.getClass().getName() + " and " + p.getClass().getName());
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalArgumentException("a scheduling policy plug-in failed to load: " + e.getMessage(), e);
    }
    return byName;
  }
}
