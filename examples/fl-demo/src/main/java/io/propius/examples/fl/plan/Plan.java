package io.propius.examples.fl.plan;

import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.examples.fl.model.Model;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A round's plan as this example encodes it for the data plane: a 4-byte length, a JSON
 * training config, then the current global parameters as a tensor (the project's tensor format).
 *
 * @param task which local dataset the devices train on
 * @param model {@code logreg} or {@code mlp}
 * @param shardSize samples per data shard (the unit DAB allocates)
 */
public record Plan(String task, String model, int dims, int hidden, int classes, double learningRate, int epochs, int batch,
                   int shardSize, double[] parameters) {

  public Model newModel() {
    return Model.of(model, dims, hidden, classes);
  }

  public Buffer encode() {
    byte[] config = new JsonObject().put("task", task).put("model", model).put("dims", dims).put("hidden", hidden)
        .put("classes", classes).put("lr", learningRate).put("epochs", epochs).put("batch", batch)
        .put("shard_size", shardSize).encode().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(config.length).appendBytes(config)
        .appendBytes(Tensors.encode(parameters, DType.FLOAT32));
  }

  /** @throws IllegalArgumentException for bytes that are not a plan of this example */
  public static Plan decode(Buffer bytes) {
    if (bytes.length() < 4) {
      throw new IllegalArgumentException("plan too short: " + bytes.length() + " bytes");
    }
    int n = bytes.getInt(0);
    if (n < 2 || 4 + n > bytes.length()) {
      throw new IllegalArgumentException("plan config length " + n + " does not fit " + bytes.length() + " bytes");
    }
    JsonObject c = new JsonObject(bytes.getString(4, 4 + n, "UTF-8"));
    double[] params = Tensors.decode(bytes.getBytes(4 + n, bytes.length()));
    return new Plan(c.getString("task"), c.getString("model"), c.getInteger("dims"), c.getInteger("hidden", 0), c.getInteger("classes"),
        c.getDouble("lr"), c.getInteger("epochs"), c.getInteger("batch"), c.getInteger("shard_size"), params);
  }

  @Override
  public String toString() {
    return "Plan[" + model + ", " + parameters.length + " parameters]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Plan p && p.model.equals(model) && Arrays.equals(p.parameters, parameters);
  }

  @Override
  public int hashCode() {
    return model.hashCode() * 31 + Arrays.hashCode(parameters);
  }
}
