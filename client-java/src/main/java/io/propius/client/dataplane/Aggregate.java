package io.propius.client.dataplane;

import io.propius.api.tensor.TensorFormatException;
import io.propius.api.tensor.Tensors;
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
  /**
   * The decoded values (for {@code fedavg}: the sample-weighted mean of the uploads).
   *
   * @throws TensorFormatException if the body is not a tensor
   */
  public double[] values() {
    return Tensors.decode(tensor.getBytes());
  }
}
