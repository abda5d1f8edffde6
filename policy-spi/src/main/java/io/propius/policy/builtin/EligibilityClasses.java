package io.propius.policy.builtin;

import io.propius.api.query.Constraints;
import io.propius.policy.ClientPortal;
import io.propius.policy.JobFields;
import io.propius.policy.JobPortal;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jobs grouped by eligibility (equal public constraints), and the window's devices split into
 * atoms by which classes they are eligible for. What IRS and fair share reason over.
 */
final class EligibilityClasses {
  /** Jobs with the same public constraints; {@code remaining} is per job, in {@code jobs} order. */
  record EligibilityClass(int index, String query, List<Long> jobs, List<Integer> remaining) {
    int totalRemaining() {
      return remaining.stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** Devices eligible for exactly the classes whose bits are set. */
  record Atom(BitSet classes, long devices) {
  }

  final List<EligibilityClass> classes;
  final List<Atom> atoms;

  private EligibilityClasses(List<EligibilityClass> classes, List<Atom> atoms) {
    this.classes = classes;
    this.atoms = atoms;
  }

  /**
   * Classes of the given jobs (in order of first appearance; jobs inside a class by smallest
   * remaining demand, then id) and the atoms of the client window (largest first, then by pattern).
   */
  static EligibilityClasses of(List<Long> jobIds, JobPortal jobs, ClientPortal clients) {
    Map<Constraints, List<Long>> byConstraints = new LinkedHashMap<>();
    for (long id : jobIds) {
      byConstraints.computeIfAbsent(jobs.publicConstraints(id), c -> new ArrayList<>()).add(id);
    }
    List<EligibilityClass> classes = new ArrayList<>();
    for (Map.Entry<Constraints, List<Long>> e : byConstraints.entrySet()) {
      List<Long> members = new ArrayList<>(e.getValue());
      members.sort(Comparator.<Long>comparingInt(id -> remaining(jobs, id)).thenComparing(id -> id));
      classes.add(new EligibilityClass(classes.size(), e.getKey().toQuery().toString(), members,
          members.stream().map(id -> remaining(jobs, id)).toList()));
    }
    List<Atom> atoms = new ArrayList<>();
    if (!classes.isEmpty()) {
      clients.partition(classes.stream().map(EligibilityClass::query).toList()).forEach((bits, n) -> {
        if (!bits.isEmpty() && n > 0) {
          atoms.add(new Atom(bits, n));
        }
      });
    }
    atoms.sort(Comparator.comparingLong(Atom::devices).reversed().thenComparing(a -> a.classes().toString()));
    return new EligibilityClasses(classes, atoms);
  }

  /** Devices the job still wants this round. */
  static int remaining(JobPortal jobs, long id) {
    return (int) Math.max(0, jobs.field(id, JobFields.DEMAND) - jobs.field(id, JobFields.AMOUNT));
  }

  /** Devices eligible for the class (in any atom). */
  long supply(int classIndex) {
    long n = 0;
    for (Atom a : atoms) {
      if (a.classes().get(classIndex)) {
        n += a.devices();
      }
    }
    return n;
  }

  /** The query matching exactly the atom's devices: its classes' queries and none of the others. */
  String atomQuery(BitSet bits) {
    StringBuilder sb = new StringBuilder();
    for (EligibilityClass c : classes) {
      sb.append(sb.length() == 0 ? "" : " and ").append(bits.get(c.index()) ? "(" : "not (").append(c.query()).append(')');
    }
    return sb.toString();
  }

  /** The query matching devices eligible for any of these classes. */
  static String anyOf(List<String> queries) {
    if (queries.size() == 1) {
      return queries.get(0);
    }
    StringBuilder sb = new StringBuilder();
    for (String q : queries) {
      sb.append(sb.length() == 0 ? "(" : " or (").append(q).append(')');
    }
    return sb.toString();
  }
}
