package io.propius.server.store;

import io.propius.api.grpc.DataPlaneOptions;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.JobStatus;
import io.propius.api.query.AttributeSource;
import io.propius.api.query.Constraints;
import io.propius.policy.JobFields;
import io.propius.policy.med.plan.DataWork;
import java.util.Comparator;

/**
 * A job's hard state at one moment: the paper's Table 2 fields plus bookkeeping. Immutable; the
 * store hands out a new one after every change. Times are ms since the epoch.
 *
 * @param filledAt when the current round last reached its demand, 0 when it has not
 * @param dataPlaneAudience the data-plane audience its task tokens name; empty for security.taskAudience
 * @param reason   why the job is EXPIRED, empty otherwise
 * @param dataWork the data work the current (or last) round declared for MED; null when it declared none
 */
public record Job(
    long id,
    String tenant,
    String name,
    JobState state,
    long timeStamp,
    long totalSched,
    long startSched,
    long filledAt,
    String jobAddress,
    int estDemand,
    int totalRound,
    long attainedService,
    int round,
    int demand,
    int amount,
    double score,
    Constraints publicConstraints,
    Constraints privateConstraints,
    int roundsCompleted,
    long roundTimeTotal,
    long lastHeartbeat,
    String reducer,
    String dataPlaneAddress,
    String dataPlaneAudience,
    String reason,
    DataWork dataWork) {

  /** Highest score first, then the earlier registration, then the lower id. */
  public static final Comparator<Job> BY_PRIORITY = Comparator.comparingDouble(Job::score).reversed()
      .thenComparingLong(Job::timeStamp).thenComparingLong(Job::id);

  /** Devices the job expects over its lifetime (Table 2 total_demand). */
  public long totalDemand() {
    return (long) estDemand * totalRound;
  }

  /** Whether the job is registered and neither finished nor expired. */
  public boolean isLive() {
    return state == JobState.IDLE || state == JobState.REQUESTING || state == JobState.FILLED;
  }

  /** Whether the current round is open (requesting or filled, not yet ended). */
  public boolean roundOpen() {
    return state == JobState.REQUESTING || state == JobState.FILLED;
  }

  /** The fields policies read through the job portal, by {@link JobFields} name. */
  public AttributeSource fields() {
    return name -> switch (name) {
      case JobFields.TIME_STAMP -> timeStamp;
      case JobFields.TOTAL_SCHED -> totalSched;
      case JobFields.START_SCHED -> startSched;
      case JobFields.TOTAL_DEMAND -> totalDemand();
      case JobFields.TOTAL_ROUND -> totalRound;
      case JobFields.ATTAINED_SERVICE -> attainedService;
      case JobFields.ROUND -> round;
      case JobFields.DEMAND -> demand;
      case JobFields.AMOUNT -> amount;
      case JobFields.SCORE -> score;
      case JobFields.EST_DEMAND -> estDemand;
      case JobFields.ROUNDS_COMPLETED -> roundsCompleted;
      case JobFields.ROUND_TIME_TOTAL -> roundTimeTotal;
      case JobFields.STATE -> state.getNumber();
      default -> constraintField(name);
    };
  }

  private double constraintField(String name) {
    Double bound = null;
    if (name.startsWith(JobFields.PUBLIC_CONSTRAINT)) {
      bound = publicConstraints.bounds().get(name.substring(JobFields.PUBLIC_CONSTRAINT.length()));
    } else if (name.startsWith(JobFields.PRIVATE_CONSTRAINT)) {
      bound = privateConstraints.bounds().get(name.substring(JobFields.PRIVATE_CONSTRAINT.length()));
    }
    return bound == null ? Double.NaN : bound;
  }

  /** The job's state as the API shows it. */
  public JobStatus toStatus() {
    JobStatus.Builder status = JobStatus.newBuilder();
    if (dataWork != null) {
      status.setDataWork(io.propius.api.grpc.DataWork.newBuilder().setTotalShards(dataWork.totalShards())
          .setShardBytes(dataWork.shardBytes()).setModelBytes(dataWork.modelBytes()).setDeadlineMs(dataWork.deadlineMs()));
    }
    return status
        .setJobId(id).setTenant(tenant).setName(name).setState(state)
        .setTimeStamp(timeStamp).setTotalSched(totalSched).setStartSched(startSched)
        .setJobAddress(jobAddress).setTotalDemand(totalDemand()).setTotalRound(totalRound)
        .setAttainedService(attainedService).setRound(round).setDemand(demand).setAmount(amount)
        .setScore(score).putAllPublicConstraints(publicConstraints.bounds())
        .putAllPrivateConstraints(privateConstraints.bounds()).setEstDemand(estDemand)
        .setRoundsCompleted(roundsCompleted).setRoundTimeTotal(roundTimeTotal).setLastHeartbeat(lastHeartbeat)
        .setDataPlane(DataPlaneOptions.newBuilder().setReducer(reducer).setAddress(dataPlaneAddress)
            .setAudience(dataPlaneAudience))
        .setReason(reason)
        .build();
  }
}
