package io.propius.server.store;

/** A binding whose device did not confirm in time; its slot was given back. */
public record ExpiredLease(long jobId, int round, String deviceId, Job job) {
}
