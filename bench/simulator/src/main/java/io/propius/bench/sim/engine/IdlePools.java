package io.propius.bench.sim.engine;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * The online devices without a task, split into pools (by eligibility mask, or by assigned job for
 * static partitioning). Each pool is an array with swap-removal, so adding, removing and drawing a
 * uniformly random member are O(1).
 */
public final class IdlePools {
  private static final int NONE = -1;

  private final int[] poolOf;
  private final int[] position;
  private int[][] members;
  private int[] sizes;
  private int total;

  public IdlePools(int devices, int pools) {
    poolOf = new int[devices];
    position = new int[devices];
    Arrays.fill(poolOf, NONE);
    members = new int[pools][16];
    sizes = new int[pools];
  }

  public int pools() {
    return sizes.length;
  }

  public int size(int pool) {
    return sizes[pool];
  }

  /** Idle devices in all pools. */
  public int total() {
    return total;
  }

  public boolean contains(int device) {
    return poolOf[device] != NONE;
  }

  public int poolOf(int device) {
    return poolOf[device];
  }

  public void add(int device, int pool) {
    int n = sizes[pool];
    if (n == members[pool].length) {
      members[pool] = Arrays.copyOf(members[pool], n * 2);
    }
    members[pool][n] = device;
    position[device] = n;
    poolOf[device] = pool;
    sizes[pool] = n + 1;
    total++;
  }

  public void remove(int device) {
    int pool = poolOf[device];
    int pos = position[device];
    int last = --sizes[pool];
    int moved = members[pool][last];
    members[pool][pos] = moved;
    position[moved] = pos;
    poolOf[device] = NONE;
    total--;
  }

  /** A uniformly random member of a non-empty pool. */
  public int random(int pool, SplittableRandom random) {
    return members[pool][random.nextInt(sizes[pool])];
  }

  /** Moves every idle device to the pool the function gives (used when a static partition changes). */
  public void repartition(IntUnaryOperator newPool) {
    int[][] old = members;
    int[] oldSizes = sizes;
    members = new int[old.length][16];
    sizes = new int[old.length];
    total = 0;
    for (int p = 0; p < old.length; p++) {
      for (int i = 0; i < oldSizes[p]; i++) {
        add(old[p][i], newPool.applyAsInt(old[p][i]));
      }
    }
  }
}
