package io.propius.examples.fl.report;

import io.propius.examples.fl.job.FederatedJob;
import io.propius.examples.fl.job.RoundReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The demo's picture and its numbers: {@code fl-demo-report.png} (test accuracy per round for each
 * job; devices bound per job over time) and {@code fl-demo-report.csv} (one row per job and round).
 */
public final class DemoReport {
  public static final String PNG = "fl-demo-report.png";
  public static final String CSV = "fl-demo-report.csv";
  static final String CSV_HEADER = "job,round,start_s,end_s,bound,requested,fill_s,results,loss,accuracy";

  private DemoReport() {
  }

  /**
   * Writes both files into {@code dir}; times are seconds since {@code t0Ms}.
   *
   * @param title the chart's title (names the data set, and says when it is synthetic)
   * @return the PNG's path
   */
  public static Path write(Path dir, List<FederatedJob> jobs, long t0Ms, String title) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(CSV), csv(jobs, t0Ms));
    XYChart accuracy = new XYChartBuilder().width(800).height(520).title(title + ": test accuracy")
        .xAxisTitle("round").yAxisTitle("test accuracy").build();
    XYChart bound = new XYChartBuilder().width(800).height(520).title("devices bound per job")
        .xAxisTitle("seconds since start").yAxisTitle("devices bound in the round").build();
    for (XYChart c : List.of(accuracy, bound)) {
      c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE).setMarkerSize(5);
    }
    accuracy.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    for (FederatedJob job : jobs) {
      List<RoundReport> reports = job.reports();
      if (reports.isEmpty()) {
        continue;
      }
      List<Double> rounds = new ArrayList<>(List.of(0.0));
      List<Double> acc = new ArrayList<>(List.of(job.initial().accuracy()));
      List<Double> time = new ArrayList<>();
      List<Double> devices = new ArrayList<>();
      for (RoundReport r : reports) {
        rounds.add((double) r.round());
        acc.add(r.accuracy());
        // A step per round: the devices bound to it from its start to its end.
        time.add((r.startedAtMs() - t0Ms) / 1000.0);
        devices.add((double) r.bound());
        time.add((r.startedAtMs() + r.roundMs() - t0Ms) / 1000.0);
        devices.add((double) r.bound());
      }
      accuracy.addSeries(job.settings().name(), rounds, acc).setMarker(SeriesMarkers.CIRCLE);
      bound.addSeries(job.settings().name(), time, devices).setMarker(SeriesMarkers.NONE);
    }
    Path png = dir.resolve(PNG);
    BitmapEncoder.saveBitmap(List.of(accuracy, bound), 1, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    return png;
  }

  static List<String> csv(List<FederatedJob> jobs, long t0Ms) {
    List<String> lines = new ArrayList<>(List.of(CSV_HEADER));
    for (FederatedJob job : jobs) {
      for (RoundReport r : job.reports()) {
        lines.add(String.format(Locale.ROOT, "%s,%d,%.3f,%.3f,%d,%d,%.3f,%d,%.4f,%.4f", job.settings().name(),
            r.round(), (r.startedAtMs() - t0Ms) / 1000.0, (r.startedAtMs() + r.roundMs() - t0Ms) / 1000.0, r.bound(),
            r.demand(), r.fillMs() / 1000.0, r.contributors(), r.loss(), r.accuracy()));
      }
    }
    return lines;
  }
}
