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
import java.util.OptionalLong;
import java.util.function.BiConsumer;

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
  private final String label;
  private final BiConsumer<FederatedJob, RoundReport> progress;
  private final List<RoundReport> reports = new ArrayList<>();
  private Evaluation initial;
  private long startedAtMs;

  /**
   * @param label printed before every line ({@code [synthetic] } when the data is not the real set)
   * @param progress told of every round as it ends
   */
  public FederatedJob(JobSettings settings, JobClient client, Dataset test, PrintStream out, String label,
                      BiConsumer<FederatedJob, RoundReport> progress) {
    this.settings = settings;
    this.client = client;
    this.test = test;
    this.out = out;
    this.label = label;
    this.progress = progress;
  }

  /** Runs every round; returns the reports. */
  public List<RoundReport> run() {
    Model model = Model.of(settings.model(), test.dims(), settings.hidden(), test.classes());
    double[] params = model.initialParameters(settings.spec().name().hashCode());
    initial = model.evaluate(params, test);
    startedAtMs = System.currentTimeMillis();
    client.register(settings.spec());
    String name = settings.spec().name();
    out.printf("%s[%s] job %d registered: %s, %d parameters, %d rounds x %d devices, %s; untrained accuracy %.3f%n",
        label, name, client.jobId(), model.name(), model.parameterCount(), settings.rounds(), settings.requested(),
        settings.modeLabel(), initial.accuracy());
    for (int r = 1; r <= settings.rounds(); r++) {
      long start = System.currentTimeMillis();
      // The first round also pays for warm-up (JIT, the scheduler's first run, every device's
      // first Subset Benchmark), so it gets a longer budget.
      long budget = r == 1 ? 3 * settings.roundMs() : settings.roundMs();
      long deadline = start + budget;
      Plan plan = new Plan(settings.task(), settings.model(), test.dims(), settings.hidden(), test.classes(),
          settings.learningRate(), settings.epochs(), settings.batch(), settings.shardSize(), params);
      // The plan is in place before any device can be bound to the round.
      RoundSpec spec = switch (settings.mode()) {
        case SYNC -> RoundSpec.sync("fedavg", model.parameterCount(), settings.demand(), deadline);
        // Over-selection (the backup workers of the parameter-server literature): ask for a few
        // more devices than results needed; the root closes the round at `demand` results.
        case OVERSELECT -> new RoundSpec("fedavg", model.parameterCount(), settings.demand(), RoundMode.OVERSELECT,
            deadline, settings.extra(), 0);
        // Buffered async: the round is ready at `demand` results; stragglers' updates go into a
        // later round, up to the staleness bound.
        case ASYNC -> new RoundSpec("fedavg", model.parameterCount(), settings.demand(), RoundMode.ASYNC, deadline, 0,
            settings.extra());
      };
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
      RoundReport report = new RoundReport(round, start, bound, settings.requested(), fillMs, filled, contributors,
          eval.loss(), eval.accuracy(), System.currentTimeMillis() - start);
      reports.add(report);
      progress.accept(this, report);
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

  /** Its id at the server (0 before it registered). */
  public long jobId() {
    return client.jobId();
  }

  /** When the job registered, ms since the epoch. */
  public long startedAtMs() {
    return startedAtMs;
  }

  /** Accuracy after the last round (before any round: untrained). */
  public double finalAccuracy() {
    return reports.isEmpty() ? initial.accuracy() : reports.get(reports.size() - 1).accuracy();
  }

  /** Time from registering to the end of the first round whose model reached {@code accuracy}. */
  public OptionalLong timeToAccuracyMs(double accuracy) {
    return reports.stream().filter(r -> r.accuracy() >= accuracy)
        .mapToLong(r -> r.startedAtMs() + r.roundMs() - startedAtMs).findFirst();
  }
}
