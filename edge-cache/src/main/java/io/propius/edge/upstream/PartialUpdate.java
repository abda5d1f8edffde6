package io.propius.edge.upstream;

/**
 * A child's partial aggregate for one round as it travels up: its cumulative reducer state, the
 * contributions and weight in it, and a version (the child's cumulative contributor count) that
 * only grows, so the parent keeps the newest and a repeated push changes nothing.
 */
public record PartialUpdate(String nodeId, long version, long contributors, double weight, double[] state) {
}
