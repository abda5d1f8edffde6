package io.propius.server.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code propius edge status URL}. */
@Command(name = "edge", mixinStandardHelpOptions = true, description = "Data-plane (edge cache) nodes.",
    subcommands = EdgeCommand.Status.class)
final class EdgeCommand {
  private EdgeCommand() {
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "A data-plane node's role, parent, rounds, plan cache, journal and uploads.")
  static final class Status implements Callable<Integer> {
    /** The node's metrics shown, by their Prometheus names. */
    private static final Map<String, String> SHOWN = new LinkedHashMap<>();

    static {
      SHOWN.put("rounds", "propius_edge_rounds");
      SHOWN.put("rounds_retired", "propius_edge_rounds_retired_total");
      SHOWN.put("cache_bytes", "propius_edge_cache_bytes");
      SHOWN.put("cache_evictions", "propius_edge_cache_evictions_total");
      SHOWN.put("journal_bytes", "propius_edge_journal_bytes");
      SHOWN.put("uploads", "propius_edge_uploads_total");
      SHOWN.put("partial_pushes", "propius_edge_partial_pushes_total");
    }

    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "URL", description = "the node's base URL, e.g. http://10.0.0.7:8090")
    String url;
    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Override
    public Integer call() {
      AdminClient client = new AdminClient(url, null);
      JsonObject status = client.get("/v1/healthz");
      String metrics = client.text("/metrics");
      SHOWN.forEach((field, metric) -> status.put(field, sum(metrics, metric)));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(status.encodePrettily());
      } else {
        Table.fields(status).print(out);
      }
      out.flush();
      return 0;
    }

    /** The sum of a metric's samples over all its labels (0 when the node has none yet). */
    static long sum(String scrape, String metric) {
      double total = 0;
      for (String line : scrape.split("\n")) {
        if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
          total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return Math.round(total);
    }
  }
}
