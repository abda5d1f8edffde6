package io.propius.server.scheduler;

import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobState;
import io.propius.api.query.QuerySyntaxException;
import io.propius.policy.JobGroup;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import io.propius.policy.batch.GroupAssigner;
import io.propius.policy.med.MedPolicy;
import io.propius.policy.portal.JobRow;
import io.propius.policy.portal.SampledClientPortal;
import io.propius.policy.portal.TableJobPortal;
import io.propius.server.bus.Addresses;
import io.propius.server.bus.GroupPlan;
import io.propius.server.bus.Inbox;
import io.propius.server.bus.ScheduleSnapshot;
import io.propius.server.bus.WindowStats;
import io.propius.server.config.SchedulerOptions;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.store.Job;
import io.propius.server.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The scheduling layer (paper §3.2). On job events and on a tick it reads the live jobs, runs the
 * policy over the portals on a worker thread, writes changed scores back to the store, and
 * publishes a {@link ScheduleSnapshot} to the client managers. In small-batch mode the run asks the
 * policy for job groups instead, over the devices the client managers hold, checks that every
 * group's query parses, and publishes them as a {@link GroupPlan} after the snapshot. Events that
 * arrive while a run is under way are coalesced into the next run. In a cluster only the scheduler
 * holding the lease ({@link SchedulerLeadership}) runs the policy, answers for the schedule and
 * publishes; the others keep the client statistics so that they can take over at once.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(SchedulerVerticle.class.getName());

  private final JobStore store;
  private final ActivePolicy policy;
  private final SchedulerOptions options;
  private final long statsIntervalMs;
  private final PropiusMetrics metrics;
  private final LongSupplier clock;
  private final EnumSet<ScheduleTrigger> pending = EnumSet.noneOf(ScheduleTrigger.class);
  private final ClientStatistics clients;
  private final SchedulerLeadership leadership;
  private final List<MessageConsumer<?>> leaderConsumers = new ArrayList<>();
  private TableJobPortal lastPortal = new TableJobPortal(List.of());
  private ScheduleSnapshot latest = ScheduleSnapshot.EMPTY;
  private boolean running;
  private boolean timerSet;

  public SchedulerVerticle(JobStore store, ActivePolicy policy, SchedulerOptions options, long statsIntervalMs,
                           SchedulerLeadership leadership, PropiusMetrics metrics, LongSupplier clock) {
    this.leadership = leadership;
    this.store = store;
    this.policy = policy;
    this.options = options;
    this.statsIntervalMs = statsIntervalMs;
    this.metrics = metrics;
    this.clock = clock;
    this.clients = new ClientStatistics(3 * statsIntervalMs);
  }

  @Override
  public Future<?> start() {
    Inbox inbox = new Inbox(vertx.eventBus(), metrics);
    inbox.consumer(Addresses.JOB_EVENTS, JobEvent.class, msg -> onEvent(msg.body()));
    inbox.consumer(Addresses.CLIENT_STATS, WindowStats.class, msg -> clients.update(msg.body(), clock.getAsLong()));
    vertx.setPeriodic(options.getTickMs(), id -> trigger(ScheduleTrigger.TICK));
    leadership.start(vertx, this::leading);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return leadership.stop();
  }

  /**
   * Only the leader answers for the schedule and the devices (requests go to one consumer of an
   * address, which must not be a follower with nothing decided). A new leader runs at once; its
   * snapshot versions start above every earlier leader's, whose tokens are smaller.
   */
  private void leading(boolean leader) {
    if (leader) {
      latest = new ScheduleSnapshot(Math.max(latest.version(), leadership.fencingToken() << 32), clock.getAsLong(),
          List.of());
      leaderConsumers.add(vertx.eventBus().consumer(Addresses.SCHEDULE_GET, msg -> msg.reply(latest)));
      leaderConsumers.add(vertx.eventBus().<String>consumer(Addresses.CLIENTS_COUNT, msg -> countDevices(msg.body(), msg)));
      // The leader's policy is the one in force: an operator's switch goes to it.
      leaderConsumers.add(vertx.eventBus().consumer(Addresses.POLICY_GET, msg -> msg.reply(policy.current().toJson())));
      leaderConsumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.POLICY_SET, this::switchPolicy));
      trigger(ScheduleTrigger.TICK);
    } else {
      leaderConsumers.forEach(MessageConsumer::unregister);
      leaderConsumers.clear();
    }
  }

  /** An operator's policy switch: in force from the next run. */
  private void switchPolicy(Message<JsonObject> msg) {
    String name = msg.body().getString("policy");
    Map<String, String> opts = new HashMap<>();
    msg.body().getJsonObject("options", new JsonObject()).forEach(e -> opts.put(e.getKey(), String.valueOf(e.getValue())));
    try {
      ActivePolicy.InForce previous = policy.switchTo(name, opts);
      metrics.policySwitched(name);
      LOG.log(System.Logger.Level.INFO, "scheduling policy switched from '" + previous.policy().name() + "' "
          + previous.options() + " to '" + name + "' " + opts + " by an operator; in force from the next run");
      msg.reply(policy.current().toJson().put("previous", previous.toJson()));
    } catch (IllegalArgumentException e) {
      msg.fail(400, e.getMessage());
    }
  }

  /** The clients portal's answer to a device query (what a policy's {@code subsetSize} would say). */
  private void countDevices(String query, Message<String> msg) {
    long now = clock.getAsLong();
    SampledClientPortal window = clients.portal(now, false);
    try {
      String q = query == null || query.isBlank() ? "true" : query;
      msg.reply(new JsonObject().put("query", q).put("matching", window.subsetSize(q))
          .put("window", window.size()).put("held", clients.portal(now, true).size()));
    } catch (QuerySyntaxException e) {
      msg.fail(400, e.getMessage());
    }
  }

  private void onEvent(JobEvent event) {
    switch (event.getType()) {
      case JOB_REGISTERED -> trigger(ScheduleTrigger.JOB_REGISTERED);
      case ROUND_REQUESTED -> trigger(ScheduleTrigger.ROUND_REQUESTED);
      case ROUND_FILLED -> trigger(ScheduleTrigger.ROUND_FILLED);
      case ROUND_CLOSED -> trigger(ScheduleTrigger.ROUND_ENDED);
      case JOB_FINISHED -> trigger(ScheduleTrigger.JOB_FINISHED);
      // A reopened round or a vanished job changes what may be offered, not the order inputs.
      case LEASE_EXPIRED, JOB_EXPIRED -> trigger(ScheduleTrigger.TICK);
      default -> {
      }
    }
  }

  private void trigger(ScheduleTrigger trigger) {
    pending.add(trigger);
    if (!running && !timerSet) {
      timerSet = true;
      vertx.setTimer(Math.max(1, options.getCoalesceMs()), id -> {
        timerSet = false;
        run();
      });
    }
  }

  private void run() {
    if (!leadership.isLeader()) {
      pending.clear();
      return;
    }
    running = true;
    EnumSet<ScheduleTrigger> triggers = EnumSet.copyOf(pending);
    pending.clear();
    long started = System.nanoTime();
    store.listLive()
        .compose(jobs -> vertx.executeBlocking(() -> decide(jobs, triggers), false))
        .compose(this::publish)
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.log(System.Logger.Level.WARNING, "scheduler run failed: " + ar.cause());
          } else {
            for (ScheduleTrigger t : triggers) {
              metrics.schedulerRun(t, System.nanoTime() - started);
            }
          }
          running = false;
          if (!pending.isEmpty()) {
            trigger(pending.iterator().next());
          }
        });
  }

  /** @param groups the small-batch plan; null in online mode or when the policy's plan was rejected */
  private record Decision(List<Job> jobs, Map<Long, Double> changedScores, List<JobGroup> groups,
                          GroupPlan.Allocator allocator) {
  }

  /** Runs on a worker thread: the policy may take its time without stalling an event loop. */
  private Decision decide(List<Job> jobs, EnumSet<ScheduleTrigger> triggers) {
    // One policy for the whole run, even if an operator switches it meanwhile.
    ActivePolicy.InForce current = policy.current();
    SchedulingPolicy inForce = current.policy();
    List<JobRow> rows = new ArrayList<>(jobs.size());
    for (Job job : jobs) {
      rows.add(new JobRow(job.id(), job.fields(), job.publicConstraints()));
    }
    TableJobPortal portal = lastPortal.next(rows);
    lastPortal = portal;
    SampledClientPortal clientPortal = clients.portal(clock.getAsLong(), options.isSmallBatch());
    List<JobGroup> groups = null;
    if (options.isSmallBatch()) {
      groups = plan(inForce, portal, clientPortal);
    } else {
      for (ScheduleTrigger trigger : triggers) {
        try {
          inForce.schedule(trigger, portal, clientPortal);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, "policy '" + inForce.name() + "' failed; keeping previous scores", e);
        }
      }
    }
    Map<Long, Double> changed = new HashMap<>();
    for (Job job : jobs) {
      Double score = portal.scores().get(job.id());
      if (score != null && score != job.score()) {
        changed.put(job.id(), score);
      }
    }
    // MED allocates data work where the held devices are: each client manager runs its own instance.
    GroupPlan.Allocator allocator = null;
    if (groups != null && inForce instanceof MedPolicy) {
      Map<Long, Integer> dataWork = new HashMap<>();
      jobs.stream().filter(j -> j.state() == JobState.REQUESTING && j.dataWork() != null)
          .forEach(j -> dataWork.put(j.id(), j.round()));
      allocator = new GroupPlan.Allocator(inForce.name(), current.options(),
          clients.medInstances(dataWork, clock.getAsLong()));
    }
    return new Decision(jobs, changed, groups, allocator);
  }

  /** The policy's job groups, or null (nothing is assigned this run) when it fails or a query is bad. */
  private List<JobGroup> plan(SchedulingPolicy inForce, TableJobPortal portal, SampledClientPortal clientPortal) {
    try {
      List<JobGroup> groups = inForce.groups(portal, clientPortal);
      new GroupAssigner(groups); // parses every query: a bad one is the policy's bug, reported here
      metrics.plan(groups.size());
      return groups;
    } catch (GroupAssigner.GroupQueryException e) {
      metrics.planRejected();
      LOG.log(System.Logger.Level.ERROR, "policy '" + inForce.name() + "' gave a job group that cannot be used, "
          + "nothing is assigned this run: " + e.getMessage());
      return null;
    } catch (RuntimeException e) {
      metrics.planRejected();
      LOG.log(System.Logger.Level.ERROR, "policy '" + inForce.name() + "' failed; nothing is assigned this run", e);
      return null;
    }
  }

  private Future<Void> publish(Decision decision) {
    if (!leadership.isLeader()) {
      // The lease was lost while the policy ran: whoever holds it now decides.
      return Future.succeededFuture();
    }
    Map<JobState, Long> states = new EnumMap<>(JobState.class);
    List<ScheduleSnapshot.OfferableJob> offerable = new ArrayList<>();
    for (Job job : decision.jobs()) {
      states.merge(job.state(), 1L, Long::sum);
      if (job.state() == JobState.REQUESTING) {
        double score = decision.changedScores().getOrDefault(job.id(), job.score());
        offerable.add(new ScheduleSnapshot.OfferableJob(job.id(), job.round(), score, job.timeStamp(), job.demand(),
            job.amount(), job.publicConstraints(), job.privateConstraints().bounds(), job.dataPlaneAddress(),
            job.dataWork()));
      }
    }
    offerable.sort(Comparator.comparingDouble(ScheduleSnapshot.OfferableJob::score).reversed()
        .thenComparingLong(ScheduleSnapshot.OfferableJob::timeStamp)
        .thenComparingLong(ScheduleSnapshot.OfferableJob::jobId));
    metrics.jobStates(states);
    latest = new ScheduleSnapshot(latest.version() + 1, clock.getAsLong(), offerable);
    vertx.eventBus().publish(Addresses.SCHEDULE, latest);
    if (decision.groups() != null) {
      vertx.eventBus().publish(Addresses.GROUPS, new GroupPlan(latest, decision.groups(), decision.allocator()));
    }
    return decision.changedScores().isEmpty() ? Future.succeededFuture()
        : store.setScores(decision.changedScores(), leadership.fencingToken());
  }
}
