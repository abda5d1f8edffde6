package io.propius.bench.sim.report;

import io.propius.bench.sim.experiment.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A sweep's results: the CSV of every run, one PNG per metric and job count (x: active devices, a
 * line per method, the mean over seeds), and a Markdown table of Propius against the two baselines
 * next to the paper's figures.
 */
public final class SweepReport {
  /** The Propius method the paper compares with the baselines (its Fig. 2-4 use the random policy). */
  public static final String PROPIUS = "propius-random";

  private final List<Outcome> outcomes;

  public SweepReport(List<Outcome> outcomes) {
    this.outcomes = List.copyOf(outcomes);
  }

  public void writeCsv(Path file) {
    List<String> rows = new ArrayList<>();
    for (Outcome o : outcomes) {
      rows.add(CsvReport.row(o.result(), o.active(), o.seed()));
    }
    CsvReport.write(file, rows);
  }

  /**
   * The plots, named {@code <metric>-jobs<N>.png} (x: active devices), or {@code <metric>-active<N>.png}
   * (x: jobs) when the sweep has one active-device count and several job counts; returns the files.
   */
  public List<Path> writePlots(Path dir) {
    List<Path> files = new ArrayList<>();
    if (set(Outcome::active).size() == 1 && set(Outcome::jobs).size() > 1) {
      int active = set(Outcome::active).first();
      files.add(plotByJobs(dir, active, "utilization", "resource utilization", RunResult::utilization));
      files.add(plotByJobs(dir, active, "throughput", "bindings / s", RunResult::bindingThroughput));
      files.add(plotByJobs(dir, active, "avg-jct", "average JCT (h)", r -> r.avgJctS() / 3600));
      files.add(plotByJobs(dir, active, "sched-delay", "scheduling delay per round (s)", RunResult::avgSchedDelayS));
      files.add(plotByJobs(dir, active, "round-failures", "round failure rate", RunResult::roundFailureRate));
      return files;
    }
    for (int jobs : set(Outcome::jobs)) {
      files.add(plot(dir, jobs, "utilization", "resource utilization", RunResult::utilization));
      files.add(plot(dir, jobs, "throughput", "bindings / s", RunResult::bindingThroughput));
      files.add(plot(dir, jobs, "avg-jct", "average JCT (h)", r -> r.avgJctS() / 3600));
      files.add(plot(dir, jobs, "sched-delay", "scheduling delay per round (s)", RunResult::avgSchedDelayS));
      files.add(plot(dir, jobs, "round-failures", "round failure rate", RunResult::roundFailureRate));
    }
    return files;
  }

  private Path plotByJobs(Path dir, int active, String name, String yTitle, ToDoubleFunction<RunResult> metric) {
    XYChart chart = new XYChartBuilder().width(900).height(560).title(yTitle + ", " + active + " active devices")
        .xAxisTitle("jobs").yAxisTitle(yTitle).build();
    for (String method : methods()) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int jobs : set(Outcome::jobs)) {
        double y = mean(jobs, active, method, metric);
        if (Double.isFinite(y)) {
          xs.add((double) jobs);
          ys.add(y);
        }
      }
      if (!xs.isEmpty()) {
        chart.addSeries(method, xs, ys).setMarker(SeriesMarkers.CIRCLE);
      }
    }
    return save(chart, dir.resolve(name + "-active" + active + ".png"));
  }

  private Path plot(Path dir, int jobs, String name, String yTitle, ToDoubleFunction<RunResult> metric) {
    XYChart chart = new XYChartBuilder().width(900).height(560).title(yTitle + ", " + jobs + " jobs")
        .xAxisTitle("active devices").yAxisTitle(yTitle).build();
    chart.getStyler().setXAxisDecimalPattern("#,###");
    for (String method : methods()) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int active : set(Outcome::active)) {
        double y = mean(jobs, active, method, metric);
        if (Double.isFinite(y)) {
          xs.add((double) active);
          ys.add(y);
        }
      }
      if (!xs.isEmpty()) {
        chart.addSeries(method, xs, ys).setMarker(SeriesMarkers.CIRCLE);
      }
    }
    return save(chart, dir.resolve(name + "-jobs" + jobs + ".png"));
  }

  private static Path save(XYChart chart, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Mean of a metric over the seeds of one point; NaN when no seed has a finite value. */
  public double mean(int jobs, int active, String method, ToDoubleFunction<RunResult> metric) {
    double sum = 0;
    int n = 0;
    for (Outcome o : outcomes) {
      if (o.jobs() == jobs && o.active() == active && o.method().equals(method)) {
        double v = metric.applyAsDouble(o.result());
        if (Double.isFinite(v)) {
          sum += v;
          n++;
        }
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Per point: every method's metrics (means over seeds). */
  public String methodsTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| jobs | active | method | utilization | bindings/s | avg JCT (h) | p95 JCT (h) | sched delay (s) "
        + "| round failures | jobs done / gave up |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (int jobs : set(Outcome::jobs)) {
      for (int active : set(Outcome::active)) {
        for (String m : methods()) {
          sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %.4f | %.3f | %.2f | %.2f | %.1f | %.3f | %.1f / %.1f |%n",
              jobs, active, m, mean(jobs, active, m, RunResult::utilization),
              mean(jobs, active, m, RunResult::bindingThroughput), mean(jobs, active, m, r -> r.avgJctS() / 3600),
              mean(jobs, active, m, r -> r.p95JctS() / 3600), mean(jobs, active, m, RunResult::avgSchedDelayS),
              mean(jobs, active, m, RunResult::roundFailureRate), mean(jobs, active, m, r -> r.completed()),
              mean(jobs, active, m, r -> r.aborted())));
        }
      }
    }
    return sb.toString();
  }

  /** Propius (random policy) over each baseline, per point, with the paper's headline figures. */
  public String ratioTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| jobs | active | utilization ×static | utilization ×random | throughput ×static | throughput ×random "
        + "| avg JCT static/Propius* | avg JCT random/Propius* |\n|---|---|---|---|---|---|---|---|\n");
    double[] best = new double[6];
    for (int jobs : set(Outcome::jobs)) {
      for (int active : set(Outcome::active)) {
        double[] r = {
            ratio(jobs, active, PROPIUS, "static", RunResult::utilization),
            ratio(jobs, active, PROPIUS, "random", RunResult::utilization),
            ratio(jobs, active, PROPIUS, "static", RunResult::bindingThroughput),
            ratio(jobs, active, PROPIUS, "random", RunResult::bindingThroughput),
            jctRatio(jobs, active, "static", PROPIUS),
            jctRatio(jobs, active, "random", PROPIUS)};
        sb.append(String.format(Locale.ROOT, "| %d | %d |", jobs, active));
        for (int i = 0; i < r.length; i++) {
          sb.append(Double.isFinite(r[i]) ? String.format(Locale.ROOT, " %.2f× |", r[i]) : " n/a |");
          if (Double.isFinite(r[i])) {
            best[i] = Math.max(best[i], r[i]);
          }
        }
        sb.append('\n');
      }
    }
    sb.append(String.format(Locale.ROOT, "| **best** | | **%.2f×** | **%.2f×** | **%.2f×** | **%.2f×** | **%.2f×** | **%.2f×** |%n",
        best[0], best[1], best[2], best[3], best[4], best[5]));
    sb.append("| **paper** | | 1.14× (1,500) | 1.88× (1,200) | | 2.76× | up to 1.26× | up to 1.26× |\n");
    sb.append("\n\\* over the jobs both methods completed, per seed, then averaged over seeds.\n");
    return sb.toString();
  }

  /**
   * Average JCT of {@code num} over {@code den}, each over the jobs both completed in the same seed,
   * averaged over seeds.
   */
  private double jctRatio(int jobs, int active, String num, String den) {
    double sum = 0;
    int n = 0;
    for (Outcome a : outcomes) {
      if (a.jobs() != jobs || a.active() != active || !a.method().equals(num)) {
        continue;
      }
      for (Outcome b : outcomes) {
        if (b.jobs() == jobs && b.active() == active && b.method().equals(den) && b.seed() == a.seed()) {
          double[] jct = a.result().commonJct(b.result());
          if (Double.isFinite(jct[0] / jct[1])) {
            sum += jct[0] / jct[1];
            n++;
          }
        }
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * Every Propius method against both baselines: the best ratio over the sweep's points of each
   * metric (as the paper quotes "at best"), with the active devices where it was reached.
   */
  public String policiesTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| method | utilization ×static | utilization ×random | throughput ×static | throughput ×random "
        + "| avg JCT static/X* | avg JCT random/X* |\n|---|---|---|---|---|---|---|\n");
    for (String m : methods()) {
      if (!m.startsWith("propius-") && !m.startsWith("batch-")) {
        continue;
      }
      sb.append("| ").append(m).append(" |");
      for (int column = 0; column < 6; column++) {
        double best = Double.NaN;
        int where = 0;
        for (int jobs : set(Outcome::jobs)) {
          for (int active : set(Outcome::active)) {
            String baseline = column % 2 == 0 ? "static" : "random";
            double r = column < 2 ? ratio(jobs, active, m, baseline, RunResult::utilization)
                : column < 4 ? ratio(jobs, active, m, baseline, RunResult::bindingThroughput)
                : jctRatio(jobs, active, baseline, m);
            if (Double.isFinite(r) && !(r <= best)) {
              best = r;
              where = active;
            }
          }
        }
        sb.append(Double.isFinite(best) ? String.format(Locale.ROOT, " %.2f× (%d) |", best, where) : " n/a |");
      }
      sb.append('\n');
    }
    sb.append("\nIn brackets: the active devices where the best ratio was reached. \\* over the jobs both methods "
        + "completed.\n");
    return sb.toString();
  }

  private double ratio(int jobs, int active, String num, String den, ToDoubleFunction<RunResult> metric) {
    return mean(jobs, active, num, metric) / mean(jobs, active, den, metric);
  }

  private List<String> methods() {
    List<String> names = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (!names.contains(o.method())) {
        names.add(o.method());
      }
    }
    return names;
  }

  private TreeSet<Integer> set(ToIntFunction<Outcome> key) {
    TreeSet<Integer> s = new TreeSet<>();
    outcomes.forEach(o -> s.add(key.applyAsInt(o)));
    return s;
  }
}
