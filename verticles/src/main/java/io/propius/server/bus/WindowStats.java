package io.propius.server.bus;

import io.propius.api.device.Attributes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What one client manager instance reports about its sliding window: the exact number of devices
 * in it, the check-in rate, and a uniform sample of their public attributes; in small-batch mode
 * also the number of devices it holds now and a sample of theirs (the batch the next plan splits).
 */
public record WindowStats(String instance, long size, double checkinsPerSecond, List<Attributes> sample,
                          long held, List<Attributes> heldSample) {
  public WindowStats {
    sample = List.copyOf(sample);
    heldSample = List.copyOf(heldSample);
  }

  /** Online mode: nothing held. */
  public WindowStats(String instance, long size, double checkinsPerSecond, List<Attributes> sample) {
    this(instance, size, checkinsPerSecond, sample, 0, List.of());
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    sample.forEach(a -> array.add(a.toJson()));
    JsonArray heldArray = new JsonArray();
    heldSample.forEach(a -> heldArray.add(a.toJson()));
    return new JsonObject().put("instance", instance).put("size", size).put("rate", checkinsPerSecond)
        .put("sample", array).put("held", held).put("held_sample", heldArray);
  }

  public static WindowStats fromJson(JsonObject json) {
    return new WindowStats(json.getString("instance"), json.getLong("size"), json.getDouble("rate"),
        attributes(json.getJsonArray("sample")), json.getLong("held", 0L),
        attributes(json.getJsonArray("held_sample", new JsonArray())));
  }

  private static List<Attributes> attributes(JsonArray array) {
    List<Attributes> list = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      list.add(Attributes.fromJson(array.getJsonObject(i), "sample"));
    }
    return list;
  }
}
