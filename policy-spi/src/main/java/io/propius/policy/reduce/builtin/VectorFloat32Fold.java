package io.propius.policy.reduce.builtin;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Float32Fold} with the Vector API: the CPU's preferred double vectors, filled from float
 * vectors of half their width (the same lane count), so a conversion widens one float vector into
 * one double vector. Loaded only by {@link Float32Fold#loadVector} when the JVM has the module.
 * The tail shorter than a vector goes through scalar loops, which compute the same.
 */
final class VectorFloat32Fold implements Float32Fold.Impl {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> F =
      VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

  private static DoubleVector widened(float[] values, int i) {
    return (DoubleVector) FloatVector.fromArray(F, values, i).convertShape(VectorOperators.F2D, D, 0);
  }

  @Override
  public void weighted(double[] state, float[] values, double weight, int length) {
    DoubleVector w = DoubleVector.broadcast(D, weight);
    int upper = D.loopBound(length);
    int i = 0;
    for (; i < upper; i += D.length()) {
      // weight * value, then state + that: two roundings, as the scalar loop (no FMA).
      DoubleVector.fromArray(D, state, i).add(w.mul(widened(values, i))).intoArray(state, i);
    }
    for (; i < length; i++) {
      state[i] += weight * values[i];
    }
  }

  @Override
  public void weightedFirst(double[] state, float[] values, double weight, int length) {
    DoubleVector w = DoubleVector.broadcast(D, weight);
    int upper = D.loopBound(length);
    int i = 0;
    for (; i < upper; i += D.length()) {
      w.mul(widened(values, i)).intoArray(state, i);
    }
    for (; i < length; i++) {
      state[i] = weight * values[i];
    }
  }

  @Override
  public void plain(double[] state, float[] values, int length) {
    int upper = D.loopBound(length);
    int i = 0;
    for (; i < upper; i += D.length()) {
      DoubleVector.fromArray(D, state, i).add(widened(values, i)).intoArray(state, i);
    }
    for (; i < length; i++) {
      state[i] += values[i];
    }
  }

  @Override
  public void plainFirst(double[] state, float[] values, int length) {
    int upper = D.loopBound(length);
    int i = 0;
    for (; i < upper; i += D.length()) {
      widened(values, i).intoArray(state, i);
    }
    for (; i < length; i++) {
      state[i] = values[i];
    }
  }
}
