package io.propius.examples.fl.model;

import io.propius.examples.fl.data.Dataset;
import java.util.SplittableRandom;

/**
 * A classifier whose parameters are one flat vector, so that FedAvg is the weighted mean of
 * vectors and the vector is the tensor on the wire.
 */
public interface Model {
  /** The name in plans ({@code logreg}, {@code mlp}). */
  String name();

  int parameterCount();

  double[] initialParameters(long seed);

  /**
   * Mini-batch SGD on the given samples, in place.
   *
   * @param samples how many of {@code order}'s first entries to train on
   * @return mean training loss of the last epoch
   */
  double train(double[] params, Dataset data, int[] order, int samples, int epochs, double learningRate, int batch,
               SplittableRandom rnd);

  Evaluation evaluate(double[] params, Dataset data);

  /** Builds the model a plan names. */
  static Model of(String name, int dims, int hidden, int classes) {
    return switch (name) {
      case "logreg" -> new LogisticRegression(dims, classes);
      case "mlp" -> new Mlp(dims, hidden, classes);
      default -> throw new IllegalArgumentException("unknown model '" + name + "' (logreg, mlp)");
    };
  }
}
