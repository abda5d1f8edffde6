package io.propius.bench.sim.device;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleBinaryOperator;

/**
 * A random stream read in pairs of uniforms {@code (u1, u2)}, with {@code log(1 - u1)} worked out
 * ahead. Each availability draw takes its uniforms two by two and uses the first of each pair only
 * through that logarithm (the radius of a Box-Muller normal, the gap of a thinned exponential) and
 * the second as it is, so a block of pairs can be drawn before anyone knows what each pair will
 * serve, and the values are those of the stream read one by one.
 *
 * <p>The blocks are drawn in the reading thread until {@link #drawAhead} asks for a thread of their
 * own: then a helper, started by the reader at the next block (where the stream's position is
 * known), draws them while the reader uses the previous ones, and also works out, for every pair,
 * the value of a function of it that some pairs serve (a session length), so that the reader only
 * reads it. That pays on a core that would otherwise idle, and costs a core where it would not.
 */
public final class DrawPairs implements AutoCloseable {
  private static final int BLOCK = 4096;
  private static final int BLOCKS_AHEAD = 4;

  private final SplittableRandom random;
  private final DoubleBinaryOperator ahead;
  private Block current = new Block();
  private int at = BLOCK - 1;
  private volatile boolean aheadWanted;
  private Thread helper;
  private BlockingQueue<Block> ready;
  private BlockingQueue<Block> free;
  private volatile Throwable failure;
  private volatile long helperCpuNanos;

  private static final class Block {
    final double[] logs = new double[BLOCK];
    final double[] seconds = new double[BLOCK];
    /** {@code ahead} of each pair, when the helper drew the block. */
    double[] values;

    void draw(SplittableRandom random) {
      for (int i = 0; i < BLOCK; i++) {
        logs[i] = Math.log(1 - random.nextDouble());
        seconds[i] = random.nextDouble();
      }
    }
  }

  /**
   * Pairs from {@code random}, which no one else may read from now on.
   *
   * @param ahead what the helper works out for every pair: a function of {@code (log(1 - u1), u2)}
   */
  public DrawPairs(SplittableRandom random, DoubleBinaryOperator ahead) {
    this.random = random;
    this.ahead = ahead;
  }

  /** Moves to the next pair. */
  public void next() {
    if (++at == BLOCK) {
      refill();
    }
  }

  /** {@code Math.log(1 - u1)} of the current pair. */
  public double log() {
    return current.logs[at];
  }

  /** {@code u2} of the current pair. */
  public double second() {
    return current.seconds[at];
  }

  /** {@code ahead(log(1 - u1), u2)} of the current pair: read if the helper worked it out, else worked out now. */
  public double ahead() {
    Block b = current;
    return b.values != null ? b.values[at] : ahead.applyAsDouble(b.logs[at], b.seconds[at]);
  }

  /** From the next block on, blocks are drawn on a thread of their own; may be called from any thread. */
  public void drawAhead() {
    aheadWanted = true;
  }

  /** CPU time of the helper thread, once it has stopped (after {@link #close}); 0 if there was none. */
  public long helperCpuNanos() {
    return helperCpuNanos;
  }

  @Override
  public void close() {
    if (helper != null) {
      helper.interrupt();
      try {
        helper.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void refill() {
    at = 0;
    if (helper == null && !aheadWanted) {
      current.draw(random);
      return;
    }
    if (helper == null) {
      startHelper();
    }
    try {
      free.put(current);
      Block b;
      while ((b = ready.poll(1, TimeUnit.SECONDS)) == null) {
        if (failure != null) {
          throw new IllegalStateException("drawing ahead failed: " + failure, failure);
        }
      }
      current = b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for random draws", e);
    }
  }

  private void startHelper() {
    ready = new ArrayBlockingQueue<>(BLOCKS_AHEAD);
    free = new ArrayBlockingQueue<>(BLOCKS_AHEAD + 2);
    for (int i = 0; i < BLOCKS_AHEAD; i++) {
      free.add(new Block());
    }
    helper = new Thread(this::drawBlocks, "availability-draws");
    helper.setDaemon(true);
    helper.start();
  }

  private void drawBlocks() {
    try {
      while (true) {
        Block b = free.take();
        b.draw(random);
        if (b.values == null) {
          b.values = new double[BLOCK];
        }
        for (int i = 0; i < BLOCK; i++) {
          b.values[i] = ahead.applyAsDouble(b.logs[i], b.seconds[i]);
        }
        ready.put(b);
      }
    } catch (InterruptedException e) {
      // The reader is done.
    } catch (Throwable e) {
      failure = e;
    } finally {
      helperCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
  }
}
