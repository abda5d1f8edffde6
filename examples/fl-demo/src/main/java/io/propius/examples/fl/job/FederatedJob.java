package io.propius.examples.fl.job;

import io.propius.api.round.RoundMode;
import io.propius.api.round.RoundSpec;
import io.propius.client.PropiusClientException;
import io.propius.client.dataplane.Aggregate;
import io.propius.client.job.JobClient;
import io.propius.examples.fl.data.Dataset;
import io.propius.examples.fl.model.Evaluation;
import io.propius.examples.fl.model.Model;
import io.propius.examples.fl.plan.Plan;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An FL server written in the SDK's blocking style: per round, publish the plan (global model)
 * to the data plane, ask Propius for devices, wait for the round to fill, end the request, wait
 * for the FedAvg aggregate up to the deadline, and evaluate it on held-out data.
 */
public final class FederatedJob {
  private final JobSettings settings;
  private final JobClient client;
  private final Dataset test;
  private final PrintStream out;
  private final List<RoundReport> reports = new ArrayList<>();
  private Evaluation initial;

  public FederatedJob(JobSettings settings, JobClient client, Dataset test, PrintStream out) {
    this.settings = settings;
    this.client = client;
    this.test = test;
    this.out = out;
  }

  /** Runs every round; returns the reports. */
  public List<RoundReport> run() {
    Model model = Model.of(settings.model(), test.dims(), settings.hidden(), test.classes());
    double[] params = model.initialParameters(settings.spec().name().hashCode());
    initial = model.evaluate(params, test);
    client.register(settings.spec());
    String name = settings.spec().name();
    out.printf("[%s] job %d registered: %s, %d parameters, %d rounds x %d devices; untrained accuracy %.3f%n", name,
        client.jobId(), model.name(), model.parameterCount(), settings.rounds(), settings.requested(), initial.accuracy());
    for (int r = 1; r <= settings.rounds(); r++) {
      long start = System.currentTimeMillis();
      // The first round also pays for warm-up (JIT, the scheduler's first run, every device's
      // first Subset Benchmark), so it gets a longer budget.
      long budget = r == 1 ? 3 * settings.roundMs() : settings.roundMs();
      long deadline = start + budget;
      Plan plan = new Plan(settings.task(), settings.model(), test.dims(), settings.hidden(), test.classes(),
          settings.learningRate(), settings.epochs(), settings.batch(), settings.shardSize(), params);
      // The plan is in place before any device can be bound to the round.
      // Over-selection (the backup workers of the parameter-server literature): ask for a few more
      // devices than results needed; the root closes the round at `demand` results.
      RoundSpec spec = settings.overSelection() > 0
          ? new RoundSpec("fedavg", model.parameterCount(), settings.demand(), RoundMode.OVERSELECT, deadline,
              settings.overSelection(), 0)
          : RoundSpec.sync("fedavg", model.parameterCount(), settings.demand(), deadline);
      client.publishRound(r, spec, plan.encode().getBytes());
      int round = client.requestRound(settings.requested());
      // Half the round at most to gather devices; the rest is for training.
      boolean filled = awaitFilled(round, budget / 2 - (System.currentTimeMillis() - start));
      long fillMs = System.currentTimeMillis() - start;
      int bound = client.endRound(round).getBound();
      Optional<Aggregate> aggregate = client.awaitAggregate(round,
          Duration.ofMillis(Math.max(0, deadline - System.currentTimeMillis()) + 300));
      long contributors = aggregate.map(Aggregate::contributors).orElse(0L);
      if (contributors > 0) {
        params = aggregate.get().values();
      }
      Evaluation eval = model.evaluate(params, test);
      RoundReport report = new RoundReport(round, bound, settings.requested(), fillMs, filled, contributors, eval.loss(),
          eval.accuracy(), System.currentTimeMillis() - start);
      reports.add(report);
      out.printf("[%s] round %2d/%d  bound %3d/%d  fill %5.2fs%s  results %3d  loss %.3f  test acc %.3f%n", name,
          round, settings.rounds(), bound, settings.requested(), fillMs / 1000.0, filled ? " " : "*", contributors,
          eval.loss(), eval.accuracy());
    }
    client.finish();
    return reports;
  }

  private boolean awaitFilled(int round, long maxMs) {
    try {
      client.awaitRoundFilled(round, Duration.ofMillis(Math.max(1, maxMs)));
      return true;
    } catch (PropiusClientException e) {
      return false;
    }
  }

  public JobSettings settings() {
    return settings;
  }

  public Evaluation initial() {
    return initial;
  }

  public List<RoundReport> reports() {
    return reports;
  }
}
