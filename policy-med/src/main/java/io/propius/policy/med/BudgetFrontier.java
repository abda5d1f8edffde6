package io.propius.policy.med;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * For a fixed learner-to-task assignment whose fastest split costs more than the budget: raising
 * a task's level lets cheaper learners take more of its shards. Per task, the levels at which its
 * least cost drops form a Pareto frontier (level, cost); the frontiers are combined task by task,
 * keeping only the non-dominated (sum of levels, cost) pairs below the incumbent, and the smallest
 * sum within the budget is the assignment's exact optimum.
 */
final class BudgetFrontier {
  private record Point(double levels, double cost, double[] perTask) {
  }

  private final List<Point> combined;

  BudgetFrontier(AssignmentSearch search, int[] assignment, double[] fastest, double incumbent) {
    List<Point> points = List.of(new Point(0, 0, new double[0]));
    for (int i = 0; i < search.tasks(); i++) {
      List<double[]> task = taskFrontier(search, i, assignment, fastest[i]);
      List<Point> next = new ArrayList<>();
      for (Point p : points) {
        for (double[] t : task) {
          double sum = p.levels() + t[0];
          if (TaskLevels.below(sum, incumbent)) {
            double[] per = Arrays.copyOf(p.perTask(), i + 1);
            per[i] = t[0];
            next.add(new Point(sum, p.cost() + t[1], per));
          }
        }
      }
      points = pareto(next);
    }
    this.combined = points;
  }

  /** Per-task levels with the smallest sum whose cost is within the budget, or null. */
  double[] cheapestWithin(double budget) {
    for (Point p : combined) {
      if (p.cost() <= budget + TaskLevels.EPS) {
        return p.perTask();
      }
    }
    return null;
  }

  private static List<double[]> taskFrontier(AssignmentSearch search, int task, int[] assignment, double from) {
    List<double[]> out = new ArrayList<>();
    double cheapest = Double.POSITIVE_INFINITY;
    double[] levels = search.levelsFrom(task, assignment, from);
    if (levels.length == 0) {
      levels = new double[] {from}; // a task without shards: level 0, no cost
    }
    for (double level : levels) {
      double cost = search.taskCost(task, assignment, level);
      if (cost < cheapest - TaskLevels.EPS) {
        cheapest = cost;
        out.add(new double[] {level, cost});
      }
    }
    return out;
  }

  /** Ascending in the sum of levels, strictly descending in cost. */
  private static List<Point> pareto(List<Point> points) {
    points.sort(Comparator.comparingDouble(Point::levels).thenComparingDouble(Point::cost));
    List<Point> out = new ArrayList<>();
    double cheapest = Double.POSITIVE_INFINITY;
    for (Point p : points) {
      if (p.cost() < cheapest - TaskLevels.EPS) {
        cheapest = p.cost();
        out.add(p);
      }
    }
    return out;
  }
}
