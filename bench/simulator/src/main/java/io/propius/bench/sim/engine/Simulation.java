package io.propius.bench.sim.engine;

import io.propius.bench.sim.device.DevicePopulation;
import io.propius.bench.sim.job.JobSpecs;
import io.propius.bench.sim.method.SelectionMethod;
import io.propius.bench.sim.report.RunResult;
import io.propius.policy.ScheduleTrigger;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;

/**
 * One discrete-event run: devices come and go, jobs arrive and ask for devices round after round,
 * and a {@link SelectionMethod} pairs them. Deterministic for its seeds.
 *
 * <p>Idle online devices check in as independent Poisson processes (mean interval
 * {@code checkinIntervalS}); instead of an event per check-in, the run draws only the check-ins
 * that bind, at the summed rate {@code Σ pool size × usefulness / interval} (a thinned Poisson
 * process, redrawn whenever the rate changes, which is exact because it is memoryless). The
 * check-ins that get nothing are counted by integrating their rate. So a million idle devices cost
 * nothing while no job needs them.
 *
 * <p>A round: the job asks for {@code requested} devices (demand × over-selection); a bound device
 * runs its task for {@code steps × step time + 2 × model / bandwidth}; the round completes when
 * {@code required} results are in (the other tasks are cancelled), and fails at its deadline
 * (counted from its first binding, so a job queued behind others waits rather than fails) otherwise, when it is tried again; a job gives up after
 * {@code maxRoundFailures} failed attempts in a row. A device that goes offline mid-task fails it.
 */
public final class Simulation {
  /** Job states, as {@link RunResult} reads them. */
  static final int JOB_PENDING = 0;
  static final int JOB_RUNNING = 1;
  static final int JOB_DONE = RunResult.DONE;
  static final int JOB_ABORTED = RunResult.ABORTED;

  private static final long TOGGLE = 1;
  private static final long TASK_DONE = 2;
  private static final long DEADLINE = 3;
  private static final long ARRIVAL = 4;
  private static final long POLICY_TICK = 5;
  private static final long BATCH_TICK = 6;

  public final DevicePopulation devices;
  public final JobSpecs jobs;
  public final SimulationSettings settings;
  private final SelectionMethod method;
  private final EventQueue queue = new EventQueue();
  /** The devices' comings and goings, drawn ahead from their own random stream so that every method sees the same. */
  private final AvailabilityTimeline timeline;
  /** Every other random choice. */
  private final SplittableRandom random;
  private IdlePools idle;
  private double now;

  // Devices.
  private final boolean[] online;
  private final int[] taskJob;
  private final int[] taskSeq;
  private final int[] taskAttempt;
  private final double[] taskStart;

  // Jobs.
  private final int[] state;
  private final int[] roundsDone;
  private final int[] attempt;
  private final double[] requestedAt;
  private final int[] bound;
  private final int[] results;
  private final boolean[] filled;
  private final int[] failuresInRow;
  private final long[] attained;
  private final double[] schedDelayTotal;
  private final double[] roundTimeTotal;
  private final double[] endS;
  private final IntList[] inflight;
  private int attemptCounter;
  private int liveJobs;
  private int settledJobs;

  // Counters.
  private long events;
  private long bindings;
  private double fruitlessCheckins;
  private long tasksFailedOffline;
  private long tasksCancelled;
  private long roundAttempts;
  private long roundFailures;
  private double contributingS;
  private double wastedS;
  private double onlineDeviceSeconds;
  private int onlineCount;
  private double lastAccounted;
  private boolean bindingsSinceTick;

  // The thinned check-in stream.
  private double usefulRate;
  private double allRate;
  private double nextCheckin = Double.POSITIVE_INFINITY;
  /** Whether {@link #nextCheckin} is worked out; if not, it is drawn: its uniform and its start. */
  private boolean checkinTimed = true;
  private double checkinUniform;
  private double checkinFrom;
  private boolean rateDirty = true;

  public Simulation(DevicePopulation devices, JobSpecs jobs, SimulationSettings settings, SelectionMethod method) {
    this.devices = devices;
    this.jobs = jobs;
    this.settings = settings;
    this.method = method;
    this.timeline = new AvailabilityTimeline(devices, settings.availability(), settings.seed(), settings.horizonS());
    this.random = new SplittableRandom(settings.seed());
    int n = devices.size;
    online = new boolean[n];
    taskJob = new int[n];
    Arrays.fill(taskJob, -1);
    taskSeq = new int[n];
    taskAttempt = new int[n];
    taskStart = new double[n];
    int j = jobs.count;
    state = new int[j];
    roundsDone = new int[j];
    attempt = new int[j];
    requestedAt = new double[j];
    bound = new int[j];
    results = new int[j];
    filled = new boolean[j];
    failuresInRow = new int[j];
    attained = new long[j];
    schedDelayTotal = new double[j];
    roundTimeTotal = new double[j];
    endS = new double[j];
    Arrays.fill(endS, Double.NaN);
    inflight = new IntList[j];
    for (int i = 0; i < j; i++) {
      inflight[i] = new IntList();
    }
  }

  /** Runs to the horizon (or until every job has finished or given up). */
  public RunResult run(DoubleConsumer progress) {
    try (timeline) {
      long started = System.nanoTime();
      var threads = ManagementFactory.getThreadMXBean();
      long cpuStarted = threads.getCurrentThreadCpuTime();
      double end = simulate(progress);
      long cpu = threads.getCurrentThreadCpuTime() - cpuStarted;
      timeline.close();
      return result(end, System.nanoTime() - started, cpu + timeline.cpuNanos(), cpu, cpu + timeline.countingCpuNanos());
    }
  }

  private double simulate(DoubleConsumer progress) {
    method.attach(this);
    idle = new IdlePools(devices.size, method.pools());
    startDevices();
    for (int j = 0; j < jobs.count; j++) {
      queue.push(jobs.arrivalS[j], event(ARRIVAL, j, 0));
    }
    queue.push(settings.policyTickS(), event(POLICY_TICK, 0, 0));
    if (method.batched()) {
      queue.push(settings.batchTickS(), event(BATCH_TICK, 0, 0));
    }
    double horizon = settings.horizonS();
    double nextProgress = 0;
    while (settledJobs < jobs.count) {
      if (rateDirty) {
        redrawCheckin();
      }
      double tq = queue.isEmpty() ? Double.POSITIVE_INFINITY : queue.peekTime();
      double checkin = nextCheckin(tq);
      double t = Math.min(tq, checkin);
      if (t > horizon) {
        break;
      }
      account(t);
      now = t;
      events++;
      if (checkin < tq) {
        usefulCheckin();
      } else {
        long payload = queue.peekPayload();
        queue.pop();
        dispatch(payload);
      }
      rateDirty = true;
      if (now >= nextProgress) {
        progress.accept(now);
        nextProgress = now + horizon / 200;
      }
    }
    if (settledJobs == jobs.count && settings.runToHorizon()) {
      countToHorizon();
    }
    double end = Math.min(horizon, now);
    account(end);
    progress.accept(horizon);
    return end;
  }

  /**
   * After the last job has ended, nothing the devices do can change a result any more, yet the run
   * still reports every event up to the horizon. The toggles are counted from the timeline, which
   * draws them anyway, instead of being handled one by one; the other events (ticks, and the
   * deadlines and task ends of rounds that are over) are handled as before. With no live job they
   * draw nothing from the random stream, so what the run reports is what it was.
   */
  private void countToHorizon() {
    double horizon = settings.horizonS();
    while (!queue.isEmpty() && queue.peekTime() <= horizon) {
      double t = queue.peekTime();
      long payload = queue.peekPayload();
      queue.pop();
      // Each pending toggle here is one the timeline has not handed over yet: counted below.
      if (payload >>> 60 != TOGGLE) {
        now = t;
        events++;
        dispatch(payload);
      }
    }
    AvailabilityTimeline.Rest rest = timeline.rest();
    events += rest.toggles();
    now = Math.max(now, rest.lastAt());
  }

  // ---------------------------------------------------------------- what methods may read

  public double now() {
    return now;
  }

  public SplittableRandom random() {
    return random;
  }

  public IdlePools idle() {
    return idle;
  }

  /** Whether the job has arrived and is neither finished nor given up. */
  public boolean live(int job) {
    return state[job] == JOB_RUNNING;
  }

  /** Whether the job's current round still takes devices. */
  public boolean open(int job) {
    return state[job] == JOB_RUNNING && bound[job] < jobs.requested[job];
  }

  /**
   * Whether the device may serve the job's current round: a device contributes at most once to a
   * round (it is not bound again after its result is in).
   */
  public boolean mayServe(int device, int job) {
    return taskAttempt[device] != attempt[job];
  }

  public int liveJobs() {
    return liveJobs;
  }

  public int roundsDone(int job) {
    return roundsDone[job];
  }

  /** Round number of the current (or last) round, 1-based. */
  public int round(int job) {
    return state[job] == JOB_PENDING ? 0 : roundsDone[job] + 1;
  }

  public int bound(int job) {
    return bound[job];
  }

  public long attained(int job) {
    return attained[job];
  }

  public double requestedAt(int job) {
    return requestedAt[job];
  }

  public double schedDelayTotal(int job) {
    return schedDelayTotal[job];
  }

  public double roundTimeTotal(int job) {
    return roundTimeTotal[job];
  }

  /** Binds an idle device to an open job now: the small-batch methods' assignment. */
  public void assign(int device, int job) {
    bind(device, job);
    rateDirty = true;
  }

  /** Tells the simulation that the method's pools' usefulness changed. */
  public void usefulnessChanged() {
    rateDirty = true;
  }

  // ---------------------------------------------------------------- events

  private static long event(long type, int a, int b) {
    return type << 60 | (long) a << 32 | (b & 0xFFFFFFFFL);
  }

  private void dispatch(long payload) {
    int type = (int) (payload >>> 60);
    int a = (int) ((payload >>> 32) & 0x0FFFFFFF);
    int b = (int) payload;
    switch (type) {
      case (int) TOGGLE -> toggle(a);
      case (int) TASK_DONE -> taskDone(a, b);
      case (int) DEADLINE -> deadline(a, b);
      case (int) ARRIVAL -> arrive(a);
      case (int) POLICY_TICK -> {
        if (bindingsSinceTick) {
          bindingsSinceTick = false;
          method.jobsChanged(ScheduleTrigger.TICK);
        }
        queue.push(now + settings.policyTickS(), event(POLICY_TICK, 0, 0));
      }
      case (int) BATCH_TICK -> {
        method.batchTick(settings.batchTickS());
        queue.push(now + settings.batchTickS(), event(BATCH_TICK, 0, 0));
      }
      default -> throw new IllegalStateException("unknown event type " + type);
    }
  }

  private void startDevices() {
    timeline.start((d, isOnline, firstToggle) -> {
      if (isOnline) {
        online[d] = true;
        onlineCount++;
        idle.add(d, method.poolOf(d));
      }
      queue.push(firstToggle, event(TOGGLE, d, 0));
    });
  }

  private void toggle(int d) {
    // The next toggle goes into the same queue as every other event, so that simultaneous events
    // (the batched methods' ticks) leave it in the same order as ever.
    queue.push(timeline.nextToggle(d, now), event(TOGGLE, d, 0));
    if (online[d]) {
      online[d] = false;
      onlineCount--;
      if (taskJob[d] >= 0) {
        tasksFailedOffline++;
        wastedS += now - taskStart[d];
        taskJob[d] = -1;
        taskSeq[d]++;
      } else {
        idle.remove(d);
      }
    } else {
      online[d] = true;
      onlineCount++;
      idle.add(d, method.poolOf(d));
      if (!method.batched() && liveJobs > 0) {
        int job = method.checkin(d);
        if (job >= 0) {
          bind(d, job);
        } else {
          fruitlessCheckins++;
        }
      }
    }
  }

  private void usefulCheckin() {
    double pick = random.nextDouble() * usefulRate * settings.checkinIntervalS();
    int pools = idle.pools();
    int pool = -1;
    for (int p = 0; p < pools; p++) {
      double w = idle.size(p) * method.usefulness(p);
      if (w > 0) {
        pool = p;
        pick -= w;
        if (pick < 0) {
          break;
        }
      }
    }
    if (pool < 0) {
      return;
    }
    int d = idle.random(pool, random);
    int job = method.bindUseful(d, pool);
    if (job >= 0) {
      bind(d, job);
    } else {
      fruitlessCheckins++;
    }
  }

  private void bind(int d, int j) {
    idle.remove(d);
    taskJob[d] = j;
    taskSeq[d]++;
    taskAttempt[d] = attempt[j];
    taskStart[d] = now;
    bindings++;
    bindingsSinceTick = true;
    bound[j]++;
    attained[j]++;
    inflight[j].add(d);
    if (bound[j] == 1) {
      // The round starts, and its deadline runs, from its first device: a job waiting in the
      // queue for devices is delayed, not failing.
      queue.push(now + jobs.workload.deadlineS(), event(DEADLINE, j, attempt[j]));
    }
    double duration = jobs.steps[j] * (double) devices.stepS[d] + 2 * jobs.modelMb[j] * 8 / devices.mbps[d];
    queue.push(now + duration, event(TASK_DONE, d, taskSeq[d]));
    if (bound[j] == jobs.requested[j]) {
      filled[j] = true;
      schedDelayTotal[j] += now - requestedAt[j];
      method.jobsChanged(ScheduleTrigger.ROUND_FILLED);
    }
  }

  private void taskDone(int d, int seq) {
    int j = taskJob[d];
    if (j < 0 || taskSeq[d] != seq) {
      return;
    }
    taskJob[d] = -1;
    taskSeq[d]++;
    contributingS += now - taskStart[d];
    idle.add(d, method.poolOf(d));
    if (++results[j] >= jobs.required[j]) {
      endRound(j, true);
    }
  }

  private void deadline(int j, int attemptId) {
    if (state[j] == JOB_RUNNING && attempt[j] == attemptId) {
      endRound(j, false);
    }
  }

  private void arrive(int j) {
    state[j] = JOB_RUNNING;
    liveJobs++;
    method.jobsChanged(ScheduleTrigger.JOB_REGISTERED);
    requestRound(j);
  }

  private void requestRound(int j) {
    attempt[j] = ++attemptCounter;
    requestedAt[j] = now;
    bound[j] = 0;
    results[j] = 0;
    filled[j] = false;
    inflight[j].clear();
    roundAttempts++;
    method.jobsChanged(ScheduleTrigger.ROUND_REQUESTED);
  }

  private void endRound(int j, boolean success) {
    if (!filled[j]) {
      schedDelayTotal[j] += now - requestedAt[j];
    }
    cancelTasks(j);
    if (success) {
      roundsDone[j]++;
      roundTimeTotal[j] += now - requestedAt[j];
      failuresInRow[j] = 0;
      if (roundsDone[j] == jobs.rounds[j]) {
        settle(j, JOB_DONE);
        return;
      }
    } else {
      roundFailures++;
      if (++failuresInRow[j] >= jobs.workload.maxRoundFailures()) {
        settle(j, JOB_ABORTED);
        return;
      }
    }
    method.jobsChanged(ScheduleTrigger.ROUND_ENDED);
    requestRound(j);
  }

  private void cancelTasks(int j) {
    IntList list = inflight[j];
    for (int i = 0; i < list.size(); i++) {
      int d = list.get(i);
      if (taskJob[d] == j && taskAttempt[d] == attempt[j]) {
        tasksCancelled++;
        wastedS += now - taskStart[d];
        taskJob[d] = -1;
        taskSeq[d]++;
        idle.add(d, method.poolOf(d));
      }
    }
    list.clear();
    attempt[j] = ++attemptCounter;
  }

  private void settle(int j, int finalState) {
    state[j] = finalState;
    endS[j] = now;
    liveJobs--;
    settledJobs++;
    method.jobsChanged(ScheduleTrigger.JOB_FINISHED);
  }

  // ---------------------------------------------------------------- rates and accounting

  private void redrawCheckin() {
    rateDirty = false;
    if (liveJobs == 0) {
      usefulRate = 0;
      allRate = 0;
      nextCheckin = Double.POSITIVE_INFINITY;
      checkinTimed = true;
      return;
    }
    double useful = 0;
    for (int p = 0; p < idle.pools(); p++) {
      int n = idle.size(p);
      if (n > 0) {
        useful += n * method.usefulness(p);
      }
    }
    double interval = settings.checkinIntervalS();
    usefulRate = method.batched() ? 0 : useful / interval;
    allRate = idle.total() / interval;
    if (usefulRate > 0) {
      checkinUniform = random.nextDouble();
      checkinFrom = now;
      checkinTimed = false;
    } else {
      nextCheckin = Double.POSITIVE_INFINITY;
      checkinTimed = true;
    }
  }

  /**
   * The time of the next useful check-in where it may come before {@code tq}; infinity where it
   * surely does not, which orders the same (the event at {@code tq} goes first, and the rate is
   * redrawn after it). Its exponential gap {@code -log(1 - u)} is at least {@code u}, Math.log is
   * within an ulp, and the division and the sum round monotonically, so {@code u × (1 - 2^-50)} in
   * its place gives a time no later than the one computed: for almost every event, the logarithm
   * is not needed.
   */
  private double nextCheckin(double tq) {
    if (!checkinTimed) {
      if (checkinFrom + checkinUniform * (1 - 0x1p-50) / usefulRate >= tq) {
        return Double.POSITIVE_INFINITY;
      }
      nextCheckin = checkinFrom + -Math.log(1 - checkinUniform) / usefulRate;
      checkinTimed = true;
    }
    return nextCheckin;
  }

  /** Integrates the piecewise-constant quantities up to {@code t}. */
  private void account(double t) {
    double dt = t - lastAccounted;
    if (dt > 0) {
      if (lastAccounted >= jobs.arrivalS[0] && settledJobs < jobs.count) {
        // Online device time over the jobs' span: the denominator of resource utilization.
        onlineDeviceSeconds += onlineCount * dt;
      }
      if (liveJobs > 0 && !method.batched()) {
        fruitlessCheckins += (allRate - usefulRate) * dt;
      }
      lastAccounted = t;
    }
  }

  /** One line per job: its draw and how it ended (for {@code run --per-job}). */
  public String jobReport() {
    StringBuilder sb = new StringBuilder("job,class,demand,requested,required,rounds,arrival_h,state,rounds_done,end_h,attained\n");
    String[] names = {"pending", "running", "done", "gave_up"};
    for (int j = 0; j < jobs.count; j++) {
      sb.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%.2f,%s,%d,%.2f,%d%n", j, jobs.jobClass[j],
          jobs.demand[j], jobs.requested[j], jobs.required[j], jobs.rounds[j], jobs.arrivalS[j] / 3600,
          names[state[j]], roundsDone[j], endS[j] / 3600, attained[j]));
    }
    return sb.toString();
  }

  private RunResult result(double end, long wallNanos, long cpuNanos, long mainCpuNanos, long pathCpuNanos) {
    return RunResult.of(method.name(), devices.size, jobs, end, state, endS, roundsDone, schedDelayTotal,
        new RunResult.Counters(events, bindings, Math.round(fruitlessCheckins), tasksFailedOffline, tasksCancelled,
            roundAttempts, roundFailures, contributingS, wastedS, onlineDeviceSeconds),
        wallNanos, cpuNanos, mainCpuNanos, pathCpuNanos);
  }
}
