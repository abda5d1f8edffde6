package io.propius.bench.loadgen;

import java.util.List;
import java.util.Locale;

/**
 * A load run's results as a Markdown table, with the check-in and binding throughput as ratios of
 * the bare endpoint's, all from the same run.
 */
public record LoadReport(List<PhaseResult> phases, int bodyBytes, String store, boolean embedded, int instances,
    int connections, int inFlight, long roundsFilled) {

  /** The first phase of an operation run closed-loop (its peak), or null. */
  public PhaseResult peak(String op) {
    return phases.stream().filter(p -> p.name().equals(op) && p.mode().startsWith("closed")).findFirst().orElse(null);
  }

  /** The open-loop phase of an operation, or null. */
  public PhaseResult rated(String op) {
    return phases.stream().filter(p -> p.name().equals(op) && p.mode().startsWith("rate")).findFirst().orElse(null);
  }

  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "server: %s, store %s, %d client manager instances; %d connections, %d in flight; "
        + "check-in response %d B (the bare endpoint answers as many); rounds filled and reopened: %d%n%n",
        embedded ? "embedded" : "remote", store, instances, connections, inFlight, bodyBytes, roundsFilled));
    sb.append("| operation | mode | ops/s | × bare | HTTP requests/s | × bare | p50 ms | p99 ms | p99.9 ms | failed | unbound "
        + "| repeats (ops/s) |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    PhaseResult bare = peak("bare");
    for (PhaseResult p : phases) {
      int requests = p.name().equals("binding") ? 3 : 1;
      double ratio = bare == null ? Double.NaN : p.perSecond() / bare.perSecond();
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %.0f | %s | %.2f | %.2f | %.2f | %d | %d | %s |%n",
          p.name(), p.mode(), p.perSecond(), p.mode().startsWith("closed") ? fmt(ratio) : "",
          p.perSecond() * requests, p.mode().startsWith("closed") ? fmt(ratio * requests) : "",
          p.latencies().percentileMs(50), p.latencies().percentileMs(99), p.latencies().percentileMs(99.9),
          p.latencies().failed(), p.noOffer(),
          String.join(" ", p.runsPerSecond().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList())));
    }
    return sb.toString();
  }

  private static String fmt(double ratio) {
    return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f×", ratio) : "";
  }
}
