package io.propius.bench.sim.engine;

import io.propius.bench.sim.device.Availability;
import io.propius.bench.sim.device.DevicePopulation;
import io.propius.bench.sim.device.DrawPairs;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The devices' comings and goings, drawn ahead on a thread of its own. They depend on nothing the
 * jobs do (only on the availability seed and on the order of the toggles, which is time order), so
 * a second core can draw them while the simulation's thread handles what they cause. The drawing
 * thread keeps its own queue of pending toggles to know their order, and hands over, toggle after
 * toggle, the time of the device's next toggle, in chunks of primitive arrays, recycled. The
 * simulation asks for them in the order it meets the toggles and checks that the device is the one
 * expected, so the two orders cannot drift apart unnoticed. The one legitimate difference: toggles
 * at exactly the same time (a few per run of tens of millions, by the birthday paradox on doubles)
 * may leave the two queues in different orders; the simulation then takes them in the order they
 * were drawn here, which is as repeatable.
 *
 * <p>Once the simulation only counts what is left ({@link #rest}), the toggles are counted here
 * rather than handed over, and the random draws ({@link DrawPairs}) move to a helper thread on the
 * core the simulation's thread no longer uses.
 */
final class AvailabilityTimeline implements AutoCloseable {
  private static final int CHUNK = 1 << 14;
  private static final int CHUNKS_AHEAD = 4;

  private final DevicePopulation devices;
  private final Availability availability;
  private final Availability.Comeback comeback;
  /** The stream of the devices' states at time 0; after them, read only through {@link #pairs}. */
  private final SplittableRandom random;
  private DrawPairs pairs;
  private final double horizonS;
  private final EventQueue toggles = new EventQueue();
  private final BlockingQueue<Chunk> ready = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
  private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(CHUNKS_AHEAD + 2);
  private Thread producer;
  private volatile Throwable failure;
  private volatile long producerCpuNanos;
  /** The drawing thread's CPU time when it started counting; -1 if it never did. */
  private volatile long producerCpuAtCount = -1;
  /** Set by {@link #rest}: from the next chunk on, toggles are only counted. */
  private volatile boolean countOnly;
  // What the drawing thread counted without handing over (read after it has ended).
  private long counted;
  private double countedLastAt = Double.NEGATIVE_INFINITY;
  private Chunk current = new Chunk();
  private int next;

  /** What the simulation is told about each device at time 0. */
  @FunctionalInterface
  interface Start {
    void device(int device, boolean online, double firstToggle);
  }

  /** A run of toggles, in time order: each one's time, device and the time of that device's next toggle. */
  private static final class Chunk {
    final double[] at = new double[CHUNK];
    final double[] times = new double[CHUNK];
    final int[] devices = new int[CHUNK];
    int size;
  }

  AvailabilityTimeline(DevicePopulation devices, Availability availability, long seed, double horizonS) {
    this.devices = devices;
    this.availability = availability;
    this.comeback = availability.comeback();
    this.random = new SplittableRandom(seed ^ 0xA5A5A5A5L);
    this.horizonS = horizonS;
    for (int i = 0; i < CHUNKS_AHEAD + 1; i++) {
      free.add(new Chunk());
    }
  }

  /**
   * Draws every device's state at time 0 and its first toggle, tells {@code start} in device order,
   * and starts drawing the toggles ahead.
   */
  void start(Start start) {
    for (int d = 0; d < devices.size; d++) {
      double first;
      boolean online = random.nextDouble() < availability.onlineFraction();
      if (online) {
        // Residual of a session already under way.
        first = random.nextDouble() * availability.sessionLength(random);
      } else {
        // Gaps are memoryless, so the residual gap of an offline device is a whole gap.
        first = comeback.next(0, devices.phaseS[d], random);
      }
      toggles.push(first, code(d, !online, devices.phaseS[d]));
      start.device(d, online, first);
    }
    pairs = new DrawPairs(random, availability::sessionOfPair);
    producer = new Thread(this::produce, "availability-timeline");
    producer.setDaemon(true);
    producer.start();
  }

  /**
   * The time of the next toggle of {@code device}, which toggles now.
   *
   * @throws IllegalStateException when the drawing thread expected another device to toggle first
   */
  double nextToggle(int device, double now) {
    if (next == current.size) {
      advance();
    }
    if (current.devices[next] != device) {
      takeSimultaneous(device, now);
    }
    return current.times[next++];
  }

  /** Brings forward the toggle of {@code device} drawn after others at the same time. */
  private void takeSimultaneous(int device, double now) {
    Chunk c = current;
    for (int i = next; i < c.size && c.at[i] == now; i++) {
      if (c.devices[i] == device) {
        double time = c.times[i];
        System.arraycopy(c.devices, next, c.devices, next + 1, i - next);
        System.arraycopy(c.times, next, c.times, next + 1, i - next);
        System.arraycopy(c.at, next, c.at, next + 1, i - next);
        c.devices[next] = device;
        c.times[next] = time;
        c.at[next] = now;
        return;
      }
    }
    throw new IllegalStateException("availability timeline out of step: device " + device + " toggles at " + now
        + " where device " + c.devices[next] + " was drawn at " + c.at[next]);
  }

  /** The toggles not yet handed over, all up to the horizon, and the time of the last of them. */
  record Rest(long toggles, double lastAt) {
  }

  /**
   * Takes every toggle not yet handed over, to count them rather than handle each. The drawing
   * thread then stops handing them over, and its random draws move to the core this thread leaves
   * idle while it waits.
   */
  Rest rest() {
    countOnly = true;
    pairs.drawAhead();
    long toggles = 0;
    double lastAt = Double.NEGATIVE_INFINITY;
    while (true) {
      if (next < current.size) {
        toggles += current.size - next;
        lastAt = current.at[current.size - 1];
        next = current.size;
      }
      if (!advanceIfDrawn()) {
        // The drawing thread has ended: what it counted is visible.
        return new Rest(toggles + counted, Math.max(lastAt, countedLastAt));
      }
    }
  }

  /**
   * CPU time the drawing thread used while it only counted (after {@link #rest}), when the
   * simulation's thread waits for it; valid after {@link #close}.
   */
  long countingCpuNanos() {
    return producerCpuAtCount < 0 ? 0 : producerCpuNanos - producerCpuAtCount;
  }

  /** CPU time the drawing threads used; valid after {@link #close}. */
  long cpuNanos() {
    return producerCpuNanos + (pairs == null ? 0 : pairs.helperCpuNanos());
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
    pairs.close();
  }

  /**
   * A pending toggle as the drawing thread's queue holds it: the device, whether it comes online,
   * and its time-zone offset, so that drawing its next toggle reads nothing indexed by device
   * (with ten million devices, that read missed the cache on every toggle).
   */
  private static long code(int device, boolean comesOnline, float phaseS) {
    return (long) Float.floatToRawIntBits(phaseS) << 32 | device << 1 | (comesOnline ? 1 : 0);
  }

  private void advance() {
    if (!advanceIfDrawn()) {
      throw new IllegalStateException("availability timeline asked beyond the horizon");
    }
  }

  /** Moves on to the next chunk; false when the drawing thread has reached the horizon and handed over everything. */
  private boolean advanceIfDrawn() {
    Chunk used = current;
    used.size = 0;
    free.add(used);
    try {
      Chunk c = ready.poll(1, TimeUnit.SECONDS);
      while (c == null) {
        if (failure != null) {
          throw new IllegalStateException("availability timeline failed: " + failure, failure);
        }
        boolean drawing = producer.isAlive();
        c = ready.poll();
        if (c == null && !drawing) {
          next = 0;
          return false;
        }
        if (c == null) {
          c = ready.poll(1, TimeUnit.SECONDS);
        }
      }
      current = c;
      next = 0;
      return true;
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
        long payload = toggles.peekPayload();
        int code = (int) payload;
        float phaseS = Float.intBitsToFloat((int) (payload >>> 32));
        toggles.pop();
        if (t > horizonS) {
          if (chunk != null && chunk.size > 0) {
            ready.put(chunk);
          }
          return;
        }
        int d = code >>> 1;
        double nextT;
        if ((code & 1) != 0) {
          nextT = t + availability.sessionLength(pairs);
        } else {
          nextT = Math.max(t, comeback.next(t, phaseS, pairs));
        }
        toggles.push(nextT, code(d, (code & 1) == 0, phaseS));
        if (chunk == null) {
          counted++;
          countedLastAt = t;
          continue;
        }
        chunk.at[chunk.size] = t;
        chunk.times[chunk.size] = nextT;
        chunk.devices[chunk.size++] = d;
        if (chunk.size == CHUNK) {
          ready.put(chunk);
          if (countOnly) {
            chunk = null;
            producerCpuAtCount = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
          } else {
            chunk = free.take();
          }
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
