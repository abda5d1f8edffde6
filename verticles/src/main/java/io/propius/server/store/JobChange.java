package io.propius.server.store;

/** A job before and after one store operation; both are the same when the call was a retry. */
public record JobChange(Job before, Job after) {
}
