package io.propius.policy.reduce;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds reducers on the class path with {@link ServiceLoader}. */
public final class Reducers {
  private Reducers() {
  }

  /**
   * The reducer with this name.
   *
   * @throws IllegalArgumentException naming the available reducers when none has this name
   */
  public static Reducer load(String name, ClassLoader classLoader) {
    TreeMap<String, Reducer> all = all(classLoader);
    Reducer reducer = all.get(name);
    if (reducer == null) {
      throw new IllegalArgumentException("no reducer named '" + name + "'; available: " + String.join(", ", all.keySet()));
    }
    return reducer;
  }

  public static Reducer load(String name) {
    return load(name, Reducers.class.getClassLoader());
  }

  /** Names of all reducers on the class path, sorted. */
  public static List<String> available(ClassLoader classLoader) {
    return new ArrayList<>(all(classLoader).keySet());
  }

  private static TreeMap<String, Reducer> all(ClassLoader classLoader) {
    TreeMap<String, Reducer> byName = new TreeMap<>();
    try {
      for (Reducer r : ServiceLoader.load(Reducer.class, classLoader)) {
        Reducer previous = byName.put(r.name(), r);
        if (previous != null && previous.getClass() != r.getClass()) {
          throw new IllegalArgumentException("two reducers are named '" + r.name() + "': "
              + previous.getClass().getName() + " and " + r.getClass().getName());
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalArgumentException("a reducer plug-in failed to load: " + e.getMessage(), e);
    }
    return byName;
  }
}
