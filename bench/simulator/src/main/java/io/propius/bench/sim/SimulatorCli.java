package io.propius.bench.sim;

import io.propius.bench.sim.device.Availability;
import io.propius.bench.sim.device.DevicePopulation;
import io.propius.bench.sim.engine.Simulation;
import io.propius.bench.sim.job.JobSpecs;
import io.propius.bench.sim.engine.SimulationSettings;
import io.propius.bench.sim.experiment.Outcome;
import io.propius.bench.sim.experiment.RunSpec;
import io.propius.bench.sim.experiment.Sweep;
import io.propius.bench.sim.job.Workload;
import io.propius.bench.sim.method.Methods;
import io.propius.bench.sim.report.CsvReport;
import io.propius.bench.sim.report.RunResult;
import io.propius.bench.sim.report.SweepReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The simulator's command line: {@code run} one setting, or {@code sweep} the paper's experiments. */
@Command(name = "propius-sim", mixinStandardHelpOptions = true, subcommands = {SimulatorCli.Run.class,
    SimulatorCli.SweepCommand.class, SimulatorCli.ListMethods.class},
    description = "Trace-driven simulator of Propius and its baselines (paper §6).")
public final class SimulatorCli {
  public static void main(String[] args) {
    System.exit(new CommandLine(new SimulatorCli())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          if (!(e instanceof IllegalArgumentException)) {
            throw e;
          }
          cmd.getErr().println("error: " + e.getMessage());
          return 2;
        })
        .execute(args));
  }

  /** Options every command shares. */
  static final class Common {
    @Option(names = "--seed", defaultValue = "1", description = "seed of devices, jobs and every choice (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--days", defaultValue = "7", description = "simulated horizon in days (default ${DEFAULT-VALUE})")
    double days;
    @Option(names = "--online-fraction", defaultValue = "0.3", description = "mean share of devices online (default ${DEFAULT-VALUE})")
    double onlineFraction;
    @Option(names = "--checkin-interval", defaultValue = "60", description = "mean seconds between check-ins of an idle device (default ${DEFAULT-VALUE})")
    double checkinIntervalS;
    @Option(names = "--min-demand", defaultValue = "20", description = "smallest per-round demand (default ${DEFAULT-VALUE})")
    int minDemand;
    @Option(names = "--max-demand", defaultValue = "1500", description = "largest per-round demand (default ${DEFAULT-VALUE})")
    int maxDemand;
    @Option(names = "--min-rounds", defaultValue = "20", description = "fewest rounds per job (default ${DEFAULT-VALUE})")
    int minRounds;
    @Option(names = "--max-rounds", defaultValue = "200", description = "most rounds per job (default ${DEFAULT-VALUE})")
    int maxRounds;
    @Option(names = "--deadline", defaultValue = "900", description = "per-round deadline in seconds (default ${DEFAULT-VALUE})")
    double deadlineS;
    @Option(names = "--required-fraction", defaultValue = "0.8", description = "results needed per round, fraction of demand (default ${DEFAULT-VALUE})")
    double requiredFraction;
    @Option(names = "--run-to-horizon", description = "keep simulating devices after the last job ends, up to --days")
    boolean runToHorizon;
    @Option(names = "--over-selection", defaultValue = "1.3", description = "devices asked for per round, multiple of demand (default ${DEFAULT-VALUE})")
    double overSelection;

    Workload workload(int jobs) {
      Workload d = Workload.defaults(jobs);
      return new Workload(jobs, d.firstArrivalS(), d.meanInterArrivalS(), minDemand, maxDemand, minRounds,
          maxRounds, d.minSteps(), d.maxSteps(), d.minModelMb(), d.maxModelMb(), deadlineS, requiredFraction,
          overSelection, d.maxRoundFailures());
    }

    SimulationSettings settings() {
      Availability a = Availability.defaults();
      SimulationSettings d = SimulationSettings.defaults(seed);
      return new SimulationSettings(days * 86_400, checkinIntervalS, d.policyTickS(), d.batchTickS(),
          new Availability(onlineFraction, a.sessionMedianS(), a.sessionSigma(), a.amplitude(), a.peakHour()), seed,
          runToHorizon);
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Runs methods on one population and workload.")
  static final class Run implements Callable<Integer> {
    @Mixin
    Common common;
    @Option(names = "--devices", defaultValue = "1000000", description = "devices in the population (default ${DEFAULT-VALUE})")
    int devices;
    @Option(names = "--jobs", defaultValue = "50", description = "jobs (default ${DEFAULT-VALUE})")
    int jobs;
    @Option(names = "--methods", split = ",", defaultValue = "propius-fifo", description = "methods, comma-separated, or 'all' (default ${DEFAULT-VALUE})")
    List<String> methods;
    @Option(names = "--csv", description = "also write the results to this CSV file")
    Path csv;
    @Option(names = "--per-job", description = "also print how each job ended")
    boolean perJob;

    @Override
    public Integer call() {
      SimulationSettings settings = common.settings();
      int active = (int) Math.round(devices * settings.availability().onlineFraction());
      List<String> rows = new ArrayList<>();
      for (String method : expand(methods)) {
        RunSpec spec = new RunSpec(method, active, common.workload(jobs), settings);
        RunResult r;
        String jobReport;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName(method).setInitialMax((long) (settings.horizonS() / 3600))
            .setUnit(" h", 1).setStyle(ProgressBarStyle.ASCII).build()) {
          Simulation sim = new Simulation(DevicePopulation.generate(devices, settings.seed()),
              JobSpecs.generate(spec.workload(), settings.seed()), settings, Methods.create(method));
          r = sim.run(t -> bar.stepTo((long) (t / 3600)));
          jobReport = sim.jobReport();
        }
        System.out.println(describe(r));
        if (perJob) {
          System.out.print(jobReport);
        }
        rows.add(CsvReport.row(r, active, settings.seed()));
      }
      if (csv != null) {
        CsvReport.write(csv, rows);
      }
      return 0;
    }
  }

  @Command(name = "sweep", mixinStandardHelpOptions = true,
      description = "Sweeps active devices and job counts over every method; writes CSV, PNG plots and Markdown tables.")
  static final class SweepCommand implements Callable<Integer> {
    @Mixin
    Common common;
    @Option(names = "--active", split = ",", defaultValue = "1200,1500,2000,3000,5000,10000",
        description = "mean online devices to sweep (default ${DEFAULT-VALUE})")
    List<Integer> actives;
    @Option(names = "--jobs", split = ",", defaultValue = "20", description = "job counts to sweep (default ${DEFAULT-VALUE})")
    List<Integer> jobs;
    @Option(names = "--methods", split = ",", defaultValue = "all", description = "methods, or 'all' (default ${DEFAULT-VALUE})")
    List<String> methods;
    @Option(names = "--seeds", defaultValue = "3", description = "seeds per point, results averaged (default ${DEFAULT-VALUE})")
    int seeds;
    @Option(names = "--threads", defaultValue = "2", description = "runs at once (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--out", defaultValue = "bench/results/sim", description = "output directory (default ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
      long started = System.nanoTime();
      List<Outcome> outcomes = Sweep.run(actives, jobs, expand(methods), seeds, common.workload(jobs.get(0)),
          common.settings(), threads);
      SweepReport report = new SweepReport(outcomes);
      report.writeCsv(out.resolve("sweep.csv"));
      report.writePlots(out);
      String md = "## Propius (random policy) against the baselines\n\n" + report.ratioTable()
          + "\n## Every Propius policy against the baselines, best over the sweep\n\n" + report.policiesTable()
          + "\n## Every method\n\n" + report.methodsTable();
      Files.writeString(out.resolve("sweep.md"), md);
      System.out.println(md);
      System.out.printf(Locale.ROOT, "%d runs in %.1f s; results in %s%n", outcomes.size(),
          (System.nanoTime() - started) / 1e9, out);
      return 0;
    }
  }

  @Command(name = "methods", description = "Lists the methods whose policies are on the class path.")
  static final class ListMethods implements Callable<Integer> {
    @Override
    public Integer call() {
      Methods.all().forEach(System.out::println);
      return 0;
    }
  }

  static List<String> expand(List<String> methods) {
    return methods.size() == 1 && methods.get(0).equals("all") ? Methods.all() : methods;
  }

  static String describe(RunResult r) {
    var c = r.counters();
    return String.format(Locale.ROOT,
        "%-16s devices=%d meanOnline=%.0f jobs=%d done=%d gaveUp=%d running=%d makespan=%.1fh util=%.4f "
            + "bindings/s=%.3f avgJCT=%.2fh p95JCT=%.2fh schedDelay=%.1fs roundFail=%.3f bindings=%d "
            + "events=%d wall=%.1fs events/s=%.0f cpu=%.1fs (main thread %.1fs, in line %.1fs) events/cpu-s=%.0f",
        r.method(), r.devices(), r.meanOnline(), r.jobs(), r.completed(), r.aborted(), r.unfinished(),
        r.makespanS() / 3600, r.utilization(), r.bindingThroughput(), r.avgJctS() / 3600, r.p95JctS() / 3600,
        r.avgSchedDelayS(), r.roundFailureRate(), c.bindings(), c.events(), r.wallS(), r.eventsPerSecond(), r.cpuS(),
        r.mainCpuS(), r.pathCpuS(), r.eventsPerCpuSecond());
  }
}
