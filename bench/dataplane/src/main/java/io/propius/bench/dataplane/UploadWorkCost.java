package io.propius.bench.dataplane;

import io.propius.api.tensor.TensorDecoder;
import io.propius.api.tensor.Tensors;
import io.propius.policy.reduce.Accumulator;
import io.propius.policy.reduce.Reducer;
import io.propius.policy.reduce.Reducers;
import io.propius.policy.reduce.builtin.Float32Fold;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a journaled leaf does with an upload's bytes apart from HTTP, step by step, in thread CPU
 * time per MB of float32 payload. Per upload, as the leaf does it since issue 19 (target 4): the
 * float32 body, in 64 KiB chunks as it arrives, checked for non-finite values and copied as floats
 * into a reused {@code float[]}, then folded (FedAvg) from the floats into the batch's accumulator (a
 * reused, cleared one: its first fold writes instead of adding); per group commit, the encoding of the batch's state into the
 * journal record and its merge into the round. For comparison, the steps this replaced: the decode
 * into a {@code double[]} and the fold from it. The leaf's classes themselves, no HTTP, no journal
 * file: the floor under the leaf's CPU per MB in {@link DataPlaneBench}, whose sink does none of this.
 *
 * <p>{@code java -cp bench/dataplane/target/dataplane-bench.jar io.propius.bench.dataplane.UploadWorkCost
 * [--values 262144,4194304] [--mb 256] [--rounds 5] [--vector-fold] [--in-flight 1]}; with {@code --vector-fold}, run it as
 * {@code java --add-modules jdk.incubator.vector -cp ...}.
 */
@Command(name = "upload-work-cost", mixinStandardHelpOptions = true,
    description = "CPU per MB of the leaf's decode, fold and group-commit steps, without HTTP.")
public final class UploadWorkCost implements Runnable {
  private static final int CHUNK = 64 * 1024;
  private static final String[] STEPS = {"check and copy floats", "fold from float[]", "first fold (cleared)",
      "encode (per commit)", "merge (per commit)", "before: decode to double[]", "before: fold from double[]"};
  @Option(names = "--values", split = ",", paramLabel = "N,...",
      description = "float32 values per tensor (default 262144 (1 MB), 4194304 (16 MB))")
  List<Integer> values = List.of(262_144, 4_194_304);
  @Option(names = "--mb", paramLabel = "MB", description = "MB of payload per step and round (default ${DEFAULT-VALUE})")
  int mb = 256;
  @Option(names = "--rounds", paramLabel = "N", description = "timed rounds; the first is warm-up (default ${DEFAULT-VALUE})")
  int rounds = 5;
  @Option(names = "--vector-fold", description = "fold float32 with the Vector API (dataPlane.vectorFold); needs"
      + " `java --add-modules jdk.incubator.vector`, else the scalar fold is measured")
  boolean vectorFold;
  @Option(names = "--in-flight", paramLabel = "N", description = "the folds take each upload's floats from N arrays in"
      + " turn and fold them into N accumulators in turn, as N uploads in flight and their batches would, colder in"
      + " the caches than one of each (default ${DEFAULT-VALUE})")
  int inFlight = 1;

  public static void main(String[] args) {
    System.exit(new CommandLine(new UploadWorkCost()).execute(args));
  }

  @Override
  public void run() {
    if (inFlight < 1) {
      throw new IllegalArgumentException("--in-flight must be at least 1, not " + inFlight);
    }
    String fold = Float32Fold.use(vectorFold);
    System.out.printf(Locale.ROOT, "Java %s, %s fold, %d in flight; µs of thread CPU per MB of float32 payload (median of %d rounds"
        + " after one warm-up, and their range)%n%n| values | %s | per upload now | before |%n|---|%s---|---|%n",
        Runtime.version(), fold, inFlight, rounds - 1, String.join(" | ", STEPS), "---|".repeat(STEPS.length));
    for (int n : values) {
      measure(n);
    }
  }

  private void measure(int n) {
    float[] floats = new float[n];
    SplittableRandom random = new SplittableRandom(n);
    for (int i = 0; i < n; i++) {
      floats[i] = (float) random.nextDouble(-1, 1);
    }
    byte[] encoded = Tensors.encode(floats);
    // Heap chunks of their own, as Vert.x hands a body over.
    List<ByteBuffer> chunks = new ArrayList<>();
    for (int off = 0; off < encoded.length; off += CHUNK) {
      chunks.add(ByteBuffer.wrap(Arrays.copyOfRange(encoded, off, Math.min(encoded.length, off + CHUNK))));
    }
    double payloadMb = 4.0 * n / (1 << 20);
    int reps = Math.max(1, (int) Math.round(mb / payloadMb));
    Reducer fedavg = Reducers.load("fedavg", UploadWorkCost.class.getClassLoader());
    Accumulator round = fedavg.newAccumulator(n);
    Accumulator[] batches = new Accumulator[inFlight];
    float[][] inputs = new float[inFlight][];
    float[] kept = new float[n];
    for (int i = 0; i < inFlight; i++) {
      batches[i] = fedavg.newAccumulator(n);
      inputs[i] = i == 0 ? kept : floats.clone();
    }
    Accumulator batch = batches[0];
    double[] decoded = new double[n];
    ByteBuffer record = ByteBuffer.allocateDirect(8 * n).order(ByteOrder.LITTLE_ENDIAN);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] perStep = new double[STEPS.length][rounds - 1];
    for (int r = 0; r < rounds; r++) {
      long[] at = new long[STEPS.length + 1];
      at[0] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        TensorDecoder decoder = TensorDecoder.keepingFloat32(count -> null, length -> decoded, length -> kept);
        chunks.forEach(c -> decoder.feed(c.duplicate()));
        decoder.float32();
      }
      at[1] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        batches[k % inFlight].add(inputs[k % inFlight], 10);
      }
      at[2] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        Accumulator b = batches[k % inFlight];
        b.clear();
        b.add(inputs[k % inFlight], 10);
      }
      at[3] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        record.clear();
        record.asDoubleBuffer().put(batch.sharedState());
      }
      at[4] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        round.merge(batch);
      }
      at[5] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        TensorDecoder decoder = new TensorDecoder(count -> null, length -> decoded);
        chunks.forEach(c -> decoder.feed(c.duplicate()));
        decoder.finish();
      }
      at[6] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        batch.add(decoded, 10);
      }
      at[7] = threads.getCurrentThreadCpuTime();
      if (r > 0) {
        for (int s = 0; s < STEPS.length; s++) {
          perStep[s][r - 1] = (at[s + 1] - at[s]) / 1e3 / (reps * payloadMb);
        }
      }
    }
    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d (%s) |", n,
        n * 4L < (1 << 20) ? n * 4 / 1024 + " KB" : n * 4L / (1 << 20) + " MB"));
    double[] medians = new double[STEPS.length];
    for (int s = 0; s < STEPS.length; s++) {
      double[] sorted = perStep[s].clone();
      Arrays.sort(sorted);
      medians[s] = sorted[sorted.length / 2];
      row.append(String.format(Locale.ROOT, " %.0f (%.0f–%.0f) |", medians[s], sorted[0], sorted[sorted.length - 1]));
    }
    // Per upload: its check and fold; before, its decode and fold (the commit's steps are the same).
    row.append(String.format(Locale.ROOT, " %.0f | %.0f |", medians[0] + medians[1], medians[5] + medians[6]));
    System.out.println(row);
  }
}
