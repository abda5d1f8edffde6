package io.propius.policy.builtin;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Maximum flow on a small dense graph with real capacities (Edmonds-Karp: shortest augmenting
 * paths). Fair share checks with it whether a set of class allocations fits the device atoms.
 */
final class MaxFlow {
  private final int n;
  private final double[][] capacity;
  private final double[][] flow;

  MaxFlow(int nodes) {
    n = nodes;
    capacity = new double[n][n];
    flow = new double[n][n];
  }

  void edge(int from, int to, double cap) {
    capacity[from][to] += cap;
  }

  /** Maximum flow from source to sink; afterwards {@link #flow} holds the flow on each edge. */
  double run(int source, int sink) {
    double total = 0;
    int[] parent = new int[n];
    while (true) {
      Arrays.fill(parent, -1);
      parent[source] = source;
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      queue.add(source);
      while (!queue.isEmpty() && parent[sink] < 0) {
        int u = queue.poll();
        for (int v = 0; v < n; v++) {
          if (parent[v] < 0 && capacity[u][v] - flow[u][v] > 1e-12) {
            parent[v] = u;
            queue.add(v);
          }
        }
      }
      if (parent[sink] < 0) {
        return total;
      }
      double push = Double.POSITIVE_INFINITY;
      for (int v = sink; v != source; v = parent[v]) {
        push = Math.min(push, capacity[parent[v]][v] - flow[parent[v]][v]);
      }
      for (int v = sink; v != source; v = parent[v]) {
        flow[parent[v]][v] += push;
        flow[v][parent[v]] -= push;
      }
      total += push;
    }
  }

  double flow(int from, int to) {
    return flow[from][to];
  }
}
