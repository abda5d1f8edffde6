package io.propius.bench.sim.method;

import io.propius.policy.ScheduleTrigger;
import io.propius.bench.sim.engine.Simulation;

/**
 * How devices and jobs are paired: the thing the experiments compare. The simulation keeps the idle
 * devices in the method's pools and asks it, at each check-in, which job (if any) the device binds
 * to.
 */
public interface SelectionMethod {
  /** Name in results, e.g. {@code static}, {@code random}, {@code propius-fifo}. */
  String name();

  /** Called once before the run, with the simulation the method serves. */
  void attach(Simulation sim);

  /** Number of idle-device pools the method uses. */
  int pools();

  /** The pool of an idle device. */
  int poolOf(int device);

  /**
   * Probability (0..1) that a check-in from a device in the pool binds it to a job in the current
   * state; the simulation draws only the check-ins that bind, at rate {@code size × usefulness}.
   */
  double usefulness(int pool);

  /**
   * A check-in that the simulation knows will bind (drawn at the useful rate): the job index to bind
   * the device to.
   */
  int bindUseful(int device, int pool);

  /**
   * A device's first check-in when it comes online: the job index to bind it to, or -1 when it gets
   * nothing (a refused handshake for pure random selection).
   */
  int checkin(int device);

  /** Something about the jobs changed (arrival, round requested/filled/ended, job finished). */
  void jobsChanged(ScheduleTrigger trigger);

  /** Small-batch methods bind on a periodic tick instead of at check-in. */
  default boolean batched() {
    return false;
  }

  /** Small-batch tick: assign the devices that checked in since the last tick. */
  default void batchTick(double tickS) {
  }
}
