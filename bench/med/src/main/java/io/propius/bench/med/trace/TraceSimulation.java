package io.propius.bench.med.trace;

import io.propius.api.device.Attributes;
import io.propius.policy.Policies;
import io.propius.policy.PolicyContext;
import io.propius.policy.med.MedPolicy;
import io.propius.policy.med.learn.ClassDurations;
import io.propius.policy.med.plan.DataWork;
import io.propius.policy.med.plan.MedPlan;
import io.propius.policy.med.plan.MedPlanner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a {@link Trace} under one scheduling method in small-batch ticks. Every tick the idle
 * devices are the held batch and the jobs whose next round is due are the open rounds.
 * <ul>
 *   <li><b>FIFO</b> and <b>IRS</b> schedule by device count: a round starts once its device count
 *       is idle, its shards split evenly. FIFO takes rounds in job arrival order; IRS as it acts
 *       when every device is eligible for every job (one eligibility class): smallest remaining
 *       demand (rounds left × devices) first.</li>
 *   <li><b>MED</b> runs the {@code med} policy itself ({@link MedPolicy}, loaded by name as the
 *       server loads it) over the held devices: each device carries its tier as the public attribute
 *       {@code tier} (1, 2, 4, …), the policy's class attribute; every finished task is reported to
 *       the policy as its confirm-to-upload time, from which it learns the per-tier states (the
 *       prior until a tier has history); rounds MED cannot plan fall back to FIFO by count.</li>
 *   <li><b>MMTT-Uncertain</b>: the same planner with each tier's speed benchmarked once, at the
 *       start, in a state drawn from its distribution, and taken as certain.</li>
 * </ul>
 * A device's task: download the model and its shards, train, upload; its state, and so its speed,
 * is drawn per task. A device still training at the round's deadline halts and uploads what it has.
 */
final class TraceSimulation {
  enum Method { MED, MMTT_UNCERTAIN, FIFO, IRS }

  static final double TICK_S = 5;
  static final long SOLVE_LIMIT_MS = 1_000;
  /** Rounds one MED tick considers (oldest first); the rest wait for the next tick. */
  static final int ROUNDS_PER_SOLVE = 3;

  /** Totals of one run. */
  record Result(int rounds, int metDeadline, double dropSum, double roundTimeSum, double jctSum, int jobs,
                int solves, int overruns, double solveMsSum) {
    double satisfaction() {
      return (double) metDeadline / rounds;
    }

    double dropRate() {
      return dropSum / rounds;
    }

    double roundTime() {
      return roundTimeSum / rounds;
    }

    double jct() {
      return jctSum / jobs;
    }
  }

  private final Trace trace;
  private final Method method;
  private final SplittableRandom random;
  private final ClassDurations durations;
  private final MedPlanner planner;
  private final MedPolicy med;

  TraceSimulation(Trace trace, Method method, long seed) {
    this.trace = trace;
    this.method = method;
    this.random = new SplittableRandom(seed);
    if (method == Method.MMTT_UNCERTAIN) {
      durations = new ClassDurations(1, 1, 1, 1);
      for (Trace.Tier tier : trace.tiers()) {
        durations.record(tier.name(), 1, tier.secondsPerShard()[tier.draw(random)]);
      }
    } else {
      durations = new ClassDurations(200, 3, 20, 1.0);
    }
    planner = new MedPlanner(durations, Trace.BYTES_PER_SECOND, SOLVE_LIMIT_MS);
    med = (MedPolicy) Policies.load(MedPolicy.NAME);
    med.init(new PolicyContext(() -> 0, seed, Map.of(MedPolicy.SOLVE_MS, Long.toString(SOLVE_LIMIT_MS),
        MedPolicy.BYTES_PER_SECOND, Double.toString(Trace.BYTES_PER_SECOND), MedPolicy.PRIOR_SECONDS_PER_SHARD, "1",
        MedPolicy.CLASS_ATTRIBUTE, "tier")));
  }

  /** The device's public attributes: its tier as a power of two, so each tier is one MED class. */
  private Attributes attributes(int device) {
    return Attributes.of(Map.of("tier", (double) (1 << trace.tierOfDevice()[device])));
  }

  Result run() {
    int devices = trace.tierOfDevice().length;
    double[] busyUntil = new double[devices];
    int jobs = trace.jobs().size();
    int[] nextRound = new int[jobs];
    double[] dueAt = new double[jobs];
    double[] jobEnd = new double[jobs];
    for (int j = 0; j < jobs; j++) {
      dueAt[j] = trace.jobs().get(j).arrivalS();
    }
    int rounds = 0;
    int met = 0;
    double drop = 0;
    double roundTime = 0;
    int solves = 0;
    int overruns = 0;
    double solveMs = 0;
    int finished = 0;
    for (double now = 0; finished < jobs; now += TICK_S) {
      List<Integer> idle = new ArrayList<>();
      for (int d = 0; d < devices; d++) {
        if (busyUntil[d] <= now) {
          idle.add(d);
        }
      }
      List<Integer> open = new ArrayList<>();
      for (int j = 0; j < jobs; j++) {
        if (nextRound[j] < trace.jobs().get(j).rounds().size() && dueAt[j] <= now) {
          open.add(j);
        }
      }
      if (method == Method.IRS) {
        int[] left = nextRound;
        open.sort(Comparator.<Integer>comparingInt(j -> (trace.jobs().get(j).rounds().size() - left[j])
            * trace.jobs().get(j).rounds().get(left[j]).devices()).thenComparingInt(j -> j));
      }
      Map<Integer, Map<Integer, Integer>> starts = new LinkedHashMap<>(); // job -> device -> shards
      if ((method == Method.MED || method == Method.MMTT_UNCERTAIN) && !open.isEmpty() && !idle.isEmpty()) {
        List<Integer> considered = new ArrayList<>(open.subList(0, Math.min(ROUNDS_PER_SOLVE, open.size())));
        open = considered; // the rest wait for a later tick
        List<MedPlanner.Round> medRounds = new ArrayList<>();
        for (int j : considered) {
          Trace.Round r = trace.jobs().get(j).rounds().get(nextRound[j]);
          medRounds.add(new MedPlanner.Round(j, new DataWork(r.shards(), (long) Trace.SHARD_BYTES,
              (long) r.modelBytes(), (long) (r.deadlineS() * 1000))));
        }
        MedPlan plan;
        if (method == Method.MED) {
          List<MedPolicy.HeldDevice> held = new ArrayList<>();
          for (int d : idle) {
            held.add(new MedPolicy.HeldDevice(Integer.toString(d), attributes(d)));
          }
          plan = med.allocate(held, medRounds);
        } else {
          List<MedPlanner.Learner> held = new ArrayList<>();
          for (int d : idle) {
            held.add(new MedPlanner.Learner(Integer.toString(d), trace.tiers().get(trace.tierOfDevice()[d]).name()));
          }
          plan = planner.plan(held, medRounds);
        }
        solves++;
        solveMs += plan.solveMs();
        overruns += plan.overran() ? 1 : 0;
        plan.assignments().forEach((device, a) -> {
          int d = Integer.parseInt(device);
          starts.computeIfAbsent((int) a.jobId(), k -> new LinkedHashMap<>()).put(d, a.shards());
        });
        idle.removeIf(d -> plan.assignments().containsKey(Integer.toString(d)));
      }
      for (int j : open) { // by count: FIFO / IRS, and the rounds MED did not plan
        if (starts.containsKey(j)) {
          continue;
        }
        Trace.Round r = trace.jobs().get(j).rounds().get(nextRound[j]);
        if (idle.size() < r.devices()) {
          continue;
        }
        Map<Integer, Integer> split = new LinkedHashMap<>();
        for (int x = 0; x < r.devices(); x++) {
          split.put(idle.remove(0), r.shards() / r.devices() + (x < r.shards() % r.devices() ? 1 : 0));
        }
        starts.put(j, split);
      }
      for (Map.Entry<Integer, Map<Integer, Integer>> e : starts.entrySet()) {
        int j = e.getKey();
        Trace.Round r = trace.jobs().get(j).rounds().get(nextRound[j]);
        double end = 0;
        double trained = 0;
        for (Map.Entry<Integer, Integer> task : e.getValue().entrySet()) {
          int d = task.getKey();
          int shards = task.getValue();
          Trace.Tier tier = trace.tiers().get(trace.tierOfDevice()[d]);
          double perShard = tier.secondsPerShard()[tier.draw(random)];
          double download = (r.modelBytes() + Trace.SHARD_BYTES * shards) / Trace.BYTES_PER_SECOND;
          double upload = r.modelBytes() / Trace.BYTES_PER_SECOND;
          int done = download + shards * perShard <= r.deadlineS() ? shards
              : (int) Math.max(0, Math.floor((r.deadlineS() - download) / perShard));
          double finish = done == shards ? download + shards * perShard + upload
              : Math.max(download, r.deadlineS()) + upload;
          if (done > 0 && method == Method.MED) {
            // Confirm to upload, as the server sees it. All the shards were downloaded, so the bytes
            // per trained shard are scaled up: the policy then takes off exactly the transfer time.
            med.observe(med.deviceClass(attributes(d)), done, Math.round(Trace.SHARD_BYTES * shards / done),
                (long) r.modelBytes(), download + done * perShard + upload);
          }
          trained += done;
          end = Math.max(end, finish);
          busyUntil[d] = now + finish;
        }
        rounds++;
        met += end <= r.deadlineS() ? 1 : 0;
        drop += (r.shards() - trained) / r.shards();
        roundTime += end;
        nextRound[j]++;
        dueAt[j] = now + end;
        if (nextRound[j] == trace.jobs().get(j).rounds().size()) {
          jobEnd[j] = now + end;
          finished++;
        }
      }
    }
    double jct = 0;
    for (int j = 0; j < jobs; j++) {
      jct += jobEnd[j] - trace.jobs().get(j).arrivalS();
    }
    return new Result(rounds, met, drop, roundTime, jct, jobs, solves, overruns, solveMs);
  }
}
