package io.propius.server.bus;

import io.propius.api.device.Attributes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What one client manager instance reports about its sliding window: the exact number of devices
 * in it, the check-in rate, and a uniform sample of their public attributes.
 */
public record WindowStats(String instance, long size, double checkinsPerSecond, List<Attributes> sample) {
  public WindowStats {
    sample = List.copyOf(sample);
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    sample.forEach(a -> array.add(a.toJson()));
    return new JsonObject().put("instance", instance).put("size", size).put("rate", checkinsPerSecond)
        .put("sample", array);
  }

  public static WindowStats fromJson(JsonObject json) {
    List<Attributes> sample = new ArrayList<>();
    JsonArray array = json.getJsonArray("sample");
    for (int i = 0; i < array.size(); i++) {
      sample.add(Attributes.fromJson(array.getJsonObject(i), "sample"));
    }
    return new WindowStats(json.getString("instance"), json.getLong("size"), json.getDouble("rate"), sample);
  }
}
