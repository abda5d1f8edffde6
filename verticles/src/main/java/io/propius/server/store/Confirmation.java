package io.propius.server.store;

/** The outcome of a confirm: the job, and whether this call (not an earlier one) confirmed. */
public record Confirmation(Job job, boolean newlyConfirmed) {
}
