package io.propius.bench.med.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * MED against MMTT-Uncertain, FIFO and IRS on multi-job traces ({@link Trace},
 * {@link TraceSimulation}), over several seeds; prints a Markdown table (mean over seeds ± 95 %
 * confidence half-width, Student's t) and writes one bar chart per metric.
 *
 * <p>Usage: {@code java -cp bench/med/target/med-bench.jar io.propius.bench.med.trace.TraceBenchmark
 * [--seeds 5] [--devices 30] [--jobs 12] [--gap-s 40] [--plots docs/results/med]}.
 */
public final class TraceBenchmark {
  private static final double[] T95 = {12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23};

  private TraceBenchmark() {
  }

  record Metric(String name, ToDoubleFunction<TraceSimulation.Result> value) {
  }

  static final List<Metric> METRICS = List.of(
      new Metric("deadline satisfaction", TraceSimulation.Result::satisfaction),
      new Metric("data drop rate", TraceSimulation.Result::dropRate),
      new Metric("training time per round (s)", TraceSimulation.Result::roundTime),
      new Metric("JCT (s)", TraceSimulation.Result::jct));

  static Map<TraceSimulation.Method, List<TraceSimulation.Result>> run(int seeds, int devices, int jobs, double gapS) {
    Map<TraceSimulation.Method, List<TraceSimulation.Result>> out = new EnumMap<>(TraceSimulation.Method.class);
    for (int seed = 1; seed <= seeds; seed++) {
      Trace trace = Trace.generate(seed, devices, jobs, gapS);
      for (TraceSimulation.Method m : TraceSimulation.Method.values()) {
        out.computeIfAbsent(m, k -> new ArrayList<>()).add(new TraceSimulation(trace, m, 1000 + seed).run());
      }
    }
    return out;
  }

  static double mean(List<TraceSimulation.Result> rs, ToDoubleFunction<TraceSimulation.Result> f) {
    return rs.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  static double ci95(List<TraceSimulation.Result> rs, ToDoubleFunction<TraceSimulation.Result> f) {
    int n = rs.size();
    if (n < 2) {
      return Double.NaN;
    }
    double m = mean(rs, f);
    double var = rs.stream().mapToDouble(r -> Math.pow(f.applyAsDouble(r) - m, 2)).sum() / (n - 1);
    return T95[Math.min(n - 2, T95.length - 1)] * Math.sqrt(var / n);
  }

  static String table(Map<TraceSimulation.Method, List<TraceSimulation.Result>> results) {
    StringBuilder sb = new StringBuilder("| method |");
    METRICS.forEach(m -> sb.append(' ').append(m.name()).append(" |"));
    sb.append(" MED solves | overran | mean solve (ms) |\n|---|");
    METRICS.forEach(m -> sb.append("---|"));
    sb.append("---|---|---|\n");
    results.forEach((method, rs) -> {
      sb.append("| ").append(method.name().replace('_', '-')).append(" |");
      for (Metric m : METRICS) {
        sb.append(String.format(Locale.ROOT, " %.3f ± %.3f |", mean(rs, m.value()), ci95(rs, m.value())));
      }
      int solves = rs.stream().mapToInt(TraceSimulation.Result::solves).sum();
      int overruns = rs.stream().mapToInt(TraceSimulation.Result::overruns).sum();
      double ms = rs.stream().mapToDouble(TraceSimulation.Result::solveMsSum).sum();
      sb.append(String.format(Locale.ROOT, " %d | %d | %.1f |%n", solves, overruns, solves == 0 ? 0 : ms / solves));
    });
    return sb.toString();
  }

  static void plot(Map<TraceSimulation.Method, List<TraceSimulation.Result>> results, Path prefix) throws IOException {
    Files.createDirectories(prefix.getParent());
    List<String> names = results.keySet().stream().map(m -> m.name().replace('_', '-')).toList();
    for (Metric metric : METRICS) {
      CategoryChart chart = new CategoryChartBuilder().width(640).height(400).title(metric.name() + " (mean, 95% CI)")
          .xAxisTitle("method").yAxisTitle(metric.name()).build();
      chart.getStyler().setLegendVisible(false);
      List<Double> means = new ArrayList<>();
      List<Double> errors = new ArrayList<>();
      results.values().forEach(rs -> {
        means.add(mean(rs, metric.value()));
        errors.add(ci95(rs, metric.value()));
      });
      chart.addSeries(metric.name(), names, means, errors);
      String file = prefix + "-" + metric.name().replaceAll("[^a-zA-Z]+", "-").replaceAll("-$", "").toLowerCase(Locale.ROOT);
      BitmapEncoder.saveBitmap(chart, file, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  public static void main(String[] args) throws IOException {
    int seeds = 5;
    int devices = 30;
    int jobs = 12;
    double gapS = 40;
    Path plots = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seeds" -> seeds = Integer.parseInt(args[++i]);
        case "--devices" -> devices = Integer.parseInt(args[++i]);
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        case "--gap-s" -> gapS = Double.parseDouble(args[++i]);
        case "--plots" -> plots = Path.of(args[++i]);
        default -> {
          System.err.println("usage: TraceBenchmark [--seeds N] [--devices N] [--jobs N] [--gap-s S] [--plots PREFIX];"
              + " unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    long started = System.nanoTime();
    Map<TraceSimulation.Method, List<TraceSimulation.Result>> results = run(seeds, devices, jobs, gapS);
    System.out.printf(Locale.ROOT, "%d seeds, %d devices (3 tiers), %d jobs x 4 rounds, mean arrival gap %.0f s%n%n",
        seeds, devices, jobs, gapS);
    System.out.print(table(results));
    if (plots != null) {
      plot(results, plots);
    }
    System.out.printf(Locale.ROOT, "%nwall time %.1f s%n", (System.nanoTime() - started) / 1e9);
  }
}
