package io.propius.client.dataplane;

import io.vertx.core.buffer.Buffer;

/**
 * A round's aggregate as the root holds it.
 *
 * @param tensor the reduced tensor, in the tensor wire format
 * @param contributors results that went into it
 * @param weight total sample weight of those results
 * @param complete whether the round's target was reached
 */
public record Aggregate(Buffer tensor, long contributors, double weight, boolean complete) {
}
