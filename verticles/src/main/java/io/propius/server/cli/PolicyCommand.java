package io.propius.server.cli;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code propius policy show|set}. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "The scheduling policy.",
    subcommands = {PolicyCommand.Show.class, PolicyCommand.Set.class})
final class PolicyCommand {
  private PolicyCommand() {
  }

  static Table table(JsonObject p) {
    return new Table("POLICY", "OPTIONS", "SINCE").row(p.getString("policy"),
        p.getJsonObject("options", new JsonObject()).encode(), String.format("%tF %<tT", p.getLong("since_ms", 0L)));
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "The policy in force and the ones available.")
  static final class Show implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;

    @Override
    public Integer call() {
      AdminClient client = remote.client();
      JsonObject p = client.get("/v1/admin/policy");
      p.put("available", client.get("/v1/admin/policies").getJsonArray("available"));
      remote.print(p, body -> {
        Table t = table(body);
        t.row("available:", String.join(", ", body.getJsonArray("available").stream().map(String::valueOf).toList()), "");
        return t;
      });
      return 0;
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Switch the scheduling policy at run time; it takes effect at the scheduler's next run.")
  static final class Set implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;
    @Parameters(paramLabel = "NAME", description = "irs, fifo, random, srsf, srtf, las, fair-share, or a plug-in's name")
    String name;
    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "a policy option (repeatable)")
    Map<String, String> options = new LinkedHashMap<>();

    @Override
    public Integer call() {
      JsonObject reply = remote.client().put("/v1/admin/policy", new JsonObject().put("policy", name)
          .put("options", new JsonObject(new LinkedHashMap<>(options))));
      if (!remote.json) {
        remote.out().println("policy switched from " + reply.getJsonObject("previous")
            .getString("policy") + " to " + reply.getString("policy") + "; in force from the scheduler's next run");
      }
      remote.print(reply, PolicyCommand::table);
      return 0;
    }
  }
}
