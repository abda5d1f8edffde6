package io.propius.policy.builtin;

import io.propius.policy.ClientPortal;
import io.propius.policy.JobFields;
import io.propius.policy.JobGroup;
import io.propius.policy.JobPortal;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import io.propius.policy.builtin.EligibilityClasses.Atom;
import io.propius.policy.builtin.EligibilityClasses.EligibilityClass;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fair share: the eligible supply is partitioned so that concurrent jobs receive devices in
 * proportion to their remaining demand, max-min fair across eligibility classes. Name
 * {@code fair-share}.
 *
 * <p>The exact algorithm, over the jobs with an open unfilled round (remaining demand
 * {@code r_j = demand - amount}) and the devices of the client window:
 * <ol>
 *   <li>Jobs are grouped into eligibility classes (equal public constraints), with weight
 *       {@code W_c = Σ r_j}; devices are split into atoms by the classes they are eligible for.</li>
 *   <li>Each class gets {@code y_c = t_c · W_c} devices, {@code 0 <= t_c <= 1} (the fraction of its
 *       remaining demand served). The vector t is max-min fair subject to the allocation fitting
 *       the atoms (a flow from classes to the atoms they are eligible for, at most the atom's
 *       devices each): progressive filling raises one common level for all unfrozen classes to the
 *       highest feasible value (bisection over a max-flow check), then freezes every class that is
 *       full ({@code t = 1}) or cannot grow alone any more, and repeats until all are frozen.</li>
 *   <li>Inside a class every job gets the same fraction {@code t_c}, i.e. devices in proportion to
 *       its remaining demand.</li>
 *   <li>Groups: one proportional group per atom that carries flow, its query matching exactly the
 *       atom, its jobs the jobs of the classes that get devices from it with shares
 *       {@code flow(c, atom) · r_j / W_c}; then one ordered fallback group of any eligible device
 *       with all jobs, least-served class first, so devices the estimate did not foresee are still
 *       used.</li>
 * </ol>
 * Online mode has no batch to partition: each device is offered to the job that has the smallest
 * served fraction of the current round ({@code amount / demand}), which converges to the same
 * proportional split as devices arrive one by one.
 */
public final class FairSharePolicy implements SchedulingPolicy {
  private static final double TOLERANCE = 1e-9;

  @Override
  public String name() {
    return "fair-share";
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
    for (long id : jobs.ids()) {
      double demand = jobs.field(id, JobFields.DEMAND);
      jobs.setScore(id, demand > 0 ? -jobs.field(id, JobFields.AMOUNT) / demand : -1);
    }
  }

  @Override
  public List<JobGroup> groups(JobPortal jobs, ClientPortal clients) {
    List<Long> open = jobs.query(OPEN_ROUNDS);
    if (open.isEmpty()) {
      return List.of();
    }
    EligibilityClasses ec = EligibilityClasses.of(open, jobs, clients);
    Allocation a = allocate(ec);
    List<JobGroup> groups = new ArrayList<>();
    for (int i = 0; i < ec.atoms.size(); i++) {
      Map<Long, Double> shares = new LinkedHashMap<>();
      for (EligibilityClass c : ec.classes) {
        double f = a.flow[c.index()][i];
        if (f > TOLERANCE) {
          double weight = c.totalRemaining();
          for (int j = 0; j < c.jobs().size(); j++) {
            shares.merge(c.jobs().get(j), f * c.remaining().get(j) / weight, Double::sum);
          }
        }
      }
      if (!shares.isEmpty()) {
        groups.add(JobGroup.proportional(ec.atomQuery(ec.atoms.get(i).classes()), shares));
      }
    }
    List<EligibilityClass> byLevel = new ArrayList<>(ec.classes);
    byLevel.sort(Comparator.<EligibilityClass>comparingDouble(c -> a.level[c.index()]).thenComparingInt(EligibilityClass::index));
    List<Long> fallback = new ArrayList<>();
    byLevel.forEach(c -> fallback.addAll(c.jobs()));
    groups.add(JobGroup.ordered(EligibilityClasses.anyOf(ec.classes.stream().map(EligibilityClass::query).toList()),
        fallback));
    return groups;
  }

  /** The max-min fair levels t_c and the class-to-atom flow that realises them. */
  record Allocation(double[] level, double[][] flow) {
  }

  static Allocation allocate(EligibilityClasses ec) {
    int k = ec.classes.size();
    double[] weight = new double[k];
    for (EligibilityClass c : ec.classes) {
      weight[c.index()] = c.totalRemaining();
    }
    double[] level = new double[k];
    boolean[] frozen = new boolean[k];
    int unfrozen = k;
    double current = 0;
    while (unfrozen > 0) {
      double lo = current;
      double hi = 1;
      if (feasible(ec, weight, withLevel(level, frozen, hi))) {
        lo = hi;
      } else {
        for (int it = 0; it < 60 && hi - lo > 1e-10; it++) {
          double mid = (lo + hi) / 2;
          if (feasible(ec, weight, withLevel(level, frozen, mid))) {
            lo = mid;
          } else {
            hi = mid;
          }
        }
      }
      level = withLevel(level, frozen, lo);
      current = lo;
      boolean any = false;
      for (int c = 0; c < k; c++) {
        if (frozen[c]) {
          continue;
        }
        double[] bump = level.clone();
        bump[c] = Math.min(1, lo + 1e-6);
        if (lo >= 1 - 1e-12 || weight[c] == 0 || !feasible(ec, weight, bump)) {
          frozen[c] = true;
          unfrozen--;
          any = true;
        }
      }
      if (!any) {
        // Numerical corner: nothing binds within the tolerances; stop rather than loop.
        break;
      }
    }
    MaxFlow flow = network(ec, weight, level);
    flow.run(0, 1);
    double[][] byAtom = new double[k][ec.atoms.size()];
    for (int c = 0; c < k; c++) {
      for (int a = 0; a < ec.atoms.size(); a++) {
        byAtom[c][a] = Math.max(0, flow.flow(2 + c, 2 + k + a));
      }
    }
    return new Allocation(level, byAtom);
  }

  private static double[] withLevel(double[] level, boolean[] frozen, double t) {
    double[] next = level.clone();
    for (int c = 0; c < next.length; c++) {
      if (!frozen[c]) {
        next[c] = t;
      }
    }
    return next;
  }

  private static boolean feasible(EligibilityClasses ec, double[] weight, double[] level) {
    double wanted = 0;
    for (int c = 0; c < weight.length; c++) {
      wanted += level[c] * weight[c];
    }
    return network(ec, weight, level).run(0, 1) >= wanted - 1e-10 * Math.max(1, wanted);
  }

  /** Nodes: 0 source, 1 sink, 2.. classes, then atoms. */
  private static MaxFlow network(EligibilityClasses ec, double[] weight, double[] level) {
    int k = weight.length;
    MaxFlow f = new MaxFlow(2 + k + ec.atoms.size());
    for (int c = 0; c < k; c++) {
      f.edge(0, 2 + c, level[c] * weight[c]);
    }
    for (int a = 0; a < ec.atoms.size(); a++) {
      Atom atom = ec.atoms.get(a);
      f.edge(2 + k + a, 1, atom.devices());
      for (int c = atom.classes().nextSetBit(0); c >= 0; c = atom.classes().nextSetBit(c + 1)) {
        f.edge(2 + c, 2 + k + a, Double.POSITIVE_INFINITY);
      }
    }
    return f;
  }
}
