package io.propius.bench.sim.experiment;

import io.propius.bench.sim.engine.SimulationSettings;
import io.propius.bench.sim.job.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Every combination of active devices, job count, method and seed, run on a few threads (runs are
 * independent, so the results do not depend on the thread count).
 */
public final class Sweep {
  private Sweep() {
  }

  public static List<Outcome> run(List<Integer> actives, List<Integer> jobCounts, List<String> methods, int seeds,
      Workload workload, SimulationSettings settings, int threads) {
    List<RunSpec> specs = new ArrayList<>();
    for (int jobs : jobCounts) {
      for (int active : actives) {
        for (int s = 0; s < seeds; s++) {
          for (String method : methods) {
            specs.add(new RunSpec(method, active, workload.withJobs(jobs), settings.withSeed(settings.seed() + s)));
          }
        }
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("sweep").setInitialMax(specs.size())
        .setStyle(ProgressBarStyle.ASCII).setUnit(" runs", 1).build()) {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (RunSpec spec : specs) {
        futures.add(pool.submit(() -> {
          Outcome o = new Outcome(spec, spec.run(t -> { }));
          bar.step();
          return o;
        }));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        outcomes.add(f.get());
      }
      return outcomes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sweep interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a run failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
