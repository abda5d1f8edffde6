package io.propius.server.store;

import io.propius.api.grpc.JobState;
import io.propius.api.query.Constraints;
import io.propius.policy.med.plan.DataWork;

/** A mutable copy of a {@link Job} for building the next state; package-private scratch. */
final class JobDraft {
  long id;
  String tenant;
  String name;
  JobState state;
  long timeStamp;
  long totalSched;
  long startSched;
  long filledAt;
  String jobAddress;
  int estDemand;
  int totalRound;
  long attainedService;
  int round;
  int demand;
  int amount;
  double score;
  Constraints publicConstraints;
  Constraints privateConstraints;
  int roundsCompleted;
  long roundTimeTotal;
  long lastHeartbeat;
  String reducer;
  String dataPlaneAddress;
  String dataPlaneAudience;
  String reason;
  DataWork dataWork;

  JobDraft(Job j) {
    id = j.id();
    tenant = j.tenant();
    name = j.name();
    state = j.state();
    timeStamp = j.timeStamp();
    totalSched = j.totalSched();
    startSched = j.startSched();
    filledAt = j.filledAt();
    jobAddress = j.jobAddress();
    estDemand = j.estDemand();
    totalRound = j.totalRound();
    attainedService = j.attainedService();
    round = j.round();
    demand = j.demand();
    amount = j.amount();
    score = j.score();
    publicConstraints = j.publicConstraints();
    privateConstraints = j.privateConstraints();
    roundsCompleted = j.roundsCompleted();
    roundTimeTotal = j.roundTimeTotal();
    lastHeartbeat = j.lastHeartbeat();
    reducer = j.reducer();
    dataPlaneAddress = j.dataPlaneAddress();
    dataPlaneAudience = j.dataPlaneAudience();
    reason = j.reason();
    dataWork = j.dataWork();
  }

  Job build() {
    return new Job(id, tenant, name, state, timeStamp, totalSched, startSched, filledAt, jobAddress, estDemand,
        totalRound, attainedService, round, demand, amount, score, publicConstraints, privateConstraints,
        roundsCompleted, roundTimeTotal, lastHeartbeat, reducer, dataPlaneAddress, dataPlaneAudience, reason,
        dataWork);
  }
}
