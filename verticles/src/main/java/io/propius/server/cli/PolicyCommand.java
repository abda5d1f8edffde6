package io.propius.server.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code propius policy show|set}. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "The scheduling policy.",
    subcommands = {PolicyCommand.Show.class, PolicyCommand.Set.class})
final class PolicyCommand {
  private PolicyCommand() {
  }

  static void print(PrintWriter out, JsonObject p, boolean json) {
    if (json) {
      out.println(p.encodePrettily());
    } else {
      Table t = new Table("POLICY", "OPTIONS", "SINCE");
      t.row(p.getString("policy"), p.getJsonObject("options", new JsonObject()).encode(),
          String.format("%tF %<tT", p.getLong("since_ms", 0L)));
      t.print(out);
    }
    out.flush();
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "The policy in force and the ones available.")
  static final class Show implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      AdminClient client = remote.client();
      JsonObject p = client.get("/v1/admin/policy");
      JsonObject all = client.get("/v1/admin/policies");
      p.put("available", all.getJsonArray("available"));
      print(spec.commandLine().getOut(), p, remote.json);
      if (!remote.json) {
        spec.commandLine().getOut().println("available: " + String.join(", ", all.getJsonArray("available").stream()
            .map(String::valueOf).toList()));
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Switch the scheduling policy at run time; it takes effect at the scheduler's next run.")
  static final class Set implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "NAME", description = "irs, fifo, random, srsf, srtf, las, fair-share, or a plug-in's name")
    String name;
    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "a policy option (repeatable)")
    Map<String, String> options = new LinkedHashMap<>();

    @Override
    public Integer call() {
      JsonObject reply = remote.client().put("/v1/admin/policy", new JsonObject().put("policy", name)
          .put("options", new JsonObject(new LinkedHashMap<>(options))));
      PrintWriter out = spec.commandLine().getOut();
      if (!remote.json) {
        out.println("policy switched from " + reply.getJsonObject("previous").getString("policy") + " to "
            + reply.getString("policy") + "; in force from the scheduler's next run");
      }
      print(out, reply, remote.json);
      return 0;
    }
  }
}
