package io.propius.bench.sim.engine;

import io.propius.bench.sim.device.Availability;
import io.propius.bench.sim.device.DevicePopulation;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The devices' comings and goings, in time order, simulated ahead on a thread of its own. They
 * depend on nothing the jobs do (only on the availability seed and on the order of the toggles, which
 * is time order), so a second core can draw them while the simulation's thread handles what they
 * cause. They are nearly all of a run's events (a device toggles about 67 times a week), so this
 * takes the session and gap draws and the queue of ten million pending toggles off the
 * simulation's thread. The toggles are handed over in chunks of primitive arrays, recycled.
 */
final class AvailabilityTimeline implements AutoCloseable {
  private static final int CHUNK = 1 << 14;
  private static final int CHUNKS_AHEAD = 4;

  private final DevicePopulation devices;
  private final Availability availability;
  private final SplittableRandom random;
  private final double horizonS;
  private final EventQueue toggles = new EventQueue();
  private final BlockingQueue<Chunk> ready = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
  private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(CHUNKS_AHEAD + 2);
  private Thread producer;
  private volatile Throwable failure;
  private volatile long producerCpuNanos;
  private Chunk current = new Chunk();
  private int next;

  /** A run of toggles: times, and device × 2 + 1 when the device comes online (+ 0 when it leaves). */
  private static final class Chunk {
    final double[] times = new double[CHUNK];
    final int[] codes = new int[CHUNK];
    int size;
  }

  AvailabilityTimeline(DevicePopulation devices, Availability availability, long seed, double horizonS) {
    this.devices = devices;
    this.availability = availability;
    this.random = new SplittableRandom(seed ^ 0xA5A5A5A5L);
    this.horizonS = horizonS;
    for (int i = 0; i < CHUNKS_AHEAD + 1; i++) {
      free.add(new Chunk());
    }
  }

  /**
   * Draws every device's state at time 0, tells {@code onlineAtStart} the online ones in device
   * order, and starts drawing the toggles ahead.
   */
  void start(IntConsumer onlineAtStart) {
    for (int d = 0; d < devices.size; d++) {
      if (random.nextDouble() < availability.onlineFraction()) {
        onlineAtStart.accept(d);
        // Residual of a session already under way.
        toggles.push(random.nextDouble() * availability.sessionLength(random), code(d, false));
      } else {
        // Gaps are memoryless, so the residual gap of an offline device is a whole gap.
        toggles.push(availability.nextOnline(0, devices.phaseS[d], random), code(d, true));
      }
    }
    producer = new Thread(this::produce, "availability-timeline");
    producer.setDaemon(true);
    producer.start();
  }

  /** Time of the next toggle; infinite after the last one within the horizon. */
  double peekTime() {
    if (next == current.size) {
      advance();
    }
    return current.times[next];
  }

  /** Device of the next toggle (after {@link #peekTime}). */
  int peekDevice() {
    return current.codes[next] >>> 1;
  }

  /** Whether the next toggle brings its device online (after {@link #peekTime}). */
  boolean peekComesOnline() {
    return (current.codes[next] & 1) != 0;
  }

  void pop() {
    next++;
  }

  /** CPU time the drawing thread used; valid after {@link #close}. */
  long cpuNanos() {
    return producerCpuNanos;
  }

  @Override
  public void close() {
    if (producer == null) {
      return;
    }
    producer.interrupt();
    try {
      producer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int code(int device, boolean comesOnline) {
    return device << 1 | (comesOnline ? 1 : 0);
  }

  private void advance() {
    Chunk used = current;
    used.size = 0;
    free.add(used);
    try {
      Chunk c;
      while ((c = ready.poll(1, TimeUnit.SECONDS)) == null) {
        if (failure != null) {
          throw new IllegalStateException("availability timeline failed: " + failure, failure);
        }
      }
      current = c;
      next = 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the availability timeline", e);
    }
  }

  private void produce() {
    try {
      Chunk chunk = free.take();
      while (true) {
        double t = toggles.peekTime();
        int code = (int) toggles.peekPayload();
        toggles.pop();
        if (t > horizonS) {
          chunk.times[chunk.size] = Double.POSITIVE_INFINITY;
          chunk.codes[chunk.size++] = 0;
          ready.put(chunk);
          return;
        }
        int d = code >>> 1;
        if ((code & 1) != 0) {
          toggles.push(t + availability.sessionLength(random), code(d, false));
        } else {
          toggles.push(Math.max(t, availability.nextOnline(t, devices.phaseS[d], random)), code(d, true));
        }
        chunk.times[chunk.size] = t;
        chunk.codes[chunk.size++] = code;
        if (chunk.size == CHUNK) {
          ready.put(chunk);
          chunk = free.take();
        }
      }
    } catch (InterruptedException e) {
      // The run ended before the horizon.
    } catch (Throwable e) {
      failure = e;
    } finally {
      producerCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
  }
}
