package io.propius.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code propius jobs list|show|watch|cancel}. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "The jobs a node knows.",
    subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Watch.class,
        JobsCommand.Cancel.class})
final class JobsCommand {
  private JobsCommand() {
  }

  static final String[] COLUMNS = {"ID", "NAME", "TENANT", "STATE", "ROUND", "ROUNDS", "DEMAND", "AMOUNT", "SERVICE",
      "SCORE"};

  static Object[] row(JsonObject j) {
    return new Object[] {j.getValue("job_id"), j.getString("name", ""), j.getString("tenant", ""),
        j.getString("state", ""), j.getValue("round"), j.getValue("total_round"), j.getValue("demand"),
        j.getValue("amount"), j.getValue("attained_service"), String.format("%.3f", j.getDouble("score", 0.0))};
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Live jobs: state, round, demand, amount"
      + " bound, attained service, score.")
  static final class ListJobs implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;

    @Override
    public Integer call() {
      remote.print(remote.client().get("/v1/admin/jobs"), body -> {
        Table t = new Table(COLUMNS);
        JsonArray jobs = body.getJsonArray("jobs", new JsonArray());
        for (int i = 0; i < jobs.size(); i++) {
          t.row(row(jobs.getJsonObject(i)));
        }
        return t;
      });
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One job, every field.")
  static final class Show implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;
    @Parameters(paramLabel = "ID", description = "the job id")
    long id;

    @Override
    public Integer call() {
      remote.print(remote.client().get("/v1/admin/jobs/" + id), Table::fields);
      return 0;
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = "Follow a job: one line whenever its state, round or devices bound change, until it ends.")
  static final class Watch implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;
    @Parameters(paramLabel = "ID", description = "the job id")
    long id;
    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "500", description = "poll interval (default ${DEFAULT-VALUE})")
    long intervalMs;
    @Option(names = "--timeout-s", paramLabel = "S", defaultValue = "0", description = "stop after S seconds (0: until the job ends)")
    long timeoutS;

    @Override
    public Integer call() throws InterruptedException {
      AdminClient client = remote.client();
      PrintWriter out = remote.out();
      long until = timeoutS > 0 ? System.currentTimeMillis() + timeoutS * 1000 : Long.MAX_VALUE;
      String last = null;
      while (true) {
        JsonObject job = client.get("/v1/admin/jobs/" + id);
        String state = job.getString("state", "");
        String now = state + "/" + job.getValue("round") + "/" + job.getValue("amount") + "/" + job.getValue("demand");
        if (!Objects.equals(now, last)) {
          if (remote.json) {
            out.println(job.encode());
          } else {
            out.printf("%tT job %d %-10s round %s  bound %s/%s  service %s%s%n", System.currentTimeMillis(), id, state,
                job.getValue("round"), job.getValue("amount"), job.getValue("demand"), job.getValue("attained_service"),
                job.getString("reason", "").isEmpty() ? "" : "  (" + job.getString("reason") + ")");
          }
          out.flush();
          last = now;
        }
        if (state.equals("FINISHED") || state.equals("EXPIRED") || System.currentTimeMillis() >= until) {
          return 0;
        }
        Thread.sleep(intervalMs);
      }
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Finish a job as an operator: its open round closes, and the job is told the reason on its next call.")
  static final class Cancel implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;
    @Parameters(paramLabel = "ID", description = "the job id")
    long id;
    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why (the job is told)")
    String reason;

    @Override
    public Integer call() {
      JsonObject job = remote.client().post("/v1/admin/jobs/" + id + "/cancel", new JsonObject().put("reason", reason));
      PrintWriter out = remote.out();
      out.println(remote.json ? job.encodePrettily()
          : "job " + id + " cancelled after " + job.getValue("rounds_completed") + " rounds: " + job.getString("reason"));
      out.flush();
      return 0;
    }
  }
}
