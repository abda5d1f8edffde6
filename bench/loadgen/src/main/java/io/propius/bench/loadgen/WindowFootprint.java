package io.propius.bench.loadgen;

import io.propius.api.device.Attributes;
import io.propius.server.device.SlidingWindow;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Measures what the server's {@link SlidingWindow} holds per device: heap used after a full GC
 * before and after checking {@code devices} devices into one window.
 */
public final class WindowFootprint {
  /** What was measured. */
  public record Measurement(int devices, long heapDeltaBytes, long arrayBytes) {
    public double heapBytesPerDevice() {
      return (double) heapDeltaBytes / devices;
    }

    /** The window's own estimate from its array sizes. */
    public double arrayBytesPerDevice() {
      return (double) arrayBytes / devices;
    }
  }

  private WindowFootprint() {
  }

  public static Measurement measure(int devices, int attributesPerDevice, int stride) {
    Map<String, Double> map = new LinkedHashMap<>();
    for (int a = 0; a < attributesPerDevice; a++) {
      map.put("attr_" + a, (double) a);
    }
    Attributes attributes = Attributes.of(map);
    long before = usedAfterGc();
    SlidingWindow window = new SlidingWindow(devices, Long.MAX_VALUE / 4, stride);
    long now = System.currentTimeMillis();
    for (int d = 0; d < devices; d++) {
      window.record("device-" + d, attributes, now);
    }
    long after = usedAfterGc();
    if (window.size() != devices) {
      throw new IllegalStateException("window holds " + window.size() + " devices, expected " + devices);
    }
    long arrays = window.footprint();
    Reference.reachabilityFence(window);
    return new Measurement(devices, after - before, arrays);
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
