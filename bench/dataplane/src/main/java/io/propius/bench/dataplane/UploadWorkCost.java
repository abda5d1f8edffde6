package io.propius.bench.dataplane;

import io.propius.api.tensor.TensorDecoder;
import io.propius.api.tensor.Tensors;
import io.propius.policy.reduce.Accumulator;
import io.propius.policy.reduce.Reducer;
import io.propius.policy.reduce.Reducers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a journaled leaf does with an upload's bytes apart from HTTP, step by step, in thread CPU
 * time per MB of float32 payload: the decode into doubles (in 64 KiB chunks, as bodies arrive),
 * the FedAvg fold, and the steps of a group commit (a fresh accumulator, the copy of its state for
 * the journal record, the record's encoding, the merge into the round). The last column is what the
 * leaf does instead of a fresh accumulator and a fold since issue 19: the first fold into a reused,
 * cleared one (which overwrites the state instead of adding to zeros); the journal record shares the
 * state instead of copying it. The leaf's classes
 * themselves, no HTTP, no journal file: the floor under the leaf's CPU per MB in
 * {@link DataPlaneBench}, whose sink does none of this.
 *
 * <p>{@code java -cp bench/dataplane/target/dataplane-bench.jar io.propius.bench.dataplane.UploadWorkCost
 * [--values 262144,4194304] [--mb 256] [--rounds 5]}
 */
@Command(name = "upload-work-cost", mixinStandardHelpOptions = true,
    description = "CPU per MB of the leaf's decode, fold and group-commit steps, without HTTP.")
public final class UploadWorkCost implements Runnable {
  private static final int CHUNK = 64 * 1024;
  @Option(names = "--values", split = ",", paramLabel = "N,...",
      description = "float32 values per tensor (default 262144 (1 MB), 4194304 (16 MB))")
  List<Integer> values = List.of(262_144, 4_194_304);
  @Option(names = "--mb", paramLabel = "MB", description = "MB of payload per step and round (default ${DEFAULT-VALUE})")
  int mb = 256;
  @Option(names = "--rounds", paramLabel = "N", description = "timed rounds; the first is warm-up (default ${DEFAULT-VALUE})")
  int rounds = 5;

  public static void main(String[] args) {
    System.exit(new CommandLine(new UploadWorkCost()).execute(args));
  }

  @Override
  public void run() {
    System.out.printf(Locale.ROOT, "Java %s; µs of thread CPU per MB of float32 payload (median of %d rounds"
        + " after one warm-up)%n%n| values | decode | fold | new accumulator | state copy | encode | merge | cleared: first fold |%n"
        + "|---|---|---|---|---|---|---|---|%n", Runtime.version(), rounds - 1);
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
    ByteBuffer body = ByteBuffer.allocateDirect(encoded.length).put(encoded).flip();
    double payloadMb = 4.0 * n / (1 << 20);
    int reps = Math.max(1, (int) Math.round(mb / payloadMb));
    Reducer fedavg = Reducers.load("fedavg", UploadWorkCost.class.getClassLoader());
    Accumulator round = fedavg.newAccumulator(n);
    Accumulator batch = fedavg.newAccumulator(n);
    double[] decoded = new double[n];
    ByteBuffer record = ByteBuffer.allocateDirect(8 * n).order(ByteOrder.LITTLE_ENDIAN);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] perStep = new double[7][rounds - 1];
    for (int r = 0; r < rounds; r++) {
      long[] at = new long[8];
      at[0] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        TensorDecoder decoder = new TensorDecoder(count -> null, length -> decoded);
        for (int off = 0; off < encoded.length; off += CHUNK) {
          decoder.feed(body.duplicate().position(off).limit(Math.min(encoded.length, off + CHUNK)));
        }
        decoder.finish();
      }
      at[1] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        batch.add(decoded, 10);
      }
      at[2] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        batch = fedavg.newAccumulator(n);
      }
      at[3] = threads.getCurrentThreadCpuTime();
      double[] state = null;
      for (int k = 0; k < reps; k++) {
        state = batch.state();
      }
      at[4] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        record.clear();
        record.asDoubleBuffer().put(state);
      }
      at[5] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        round.merge(batch);
      }
      at[6] = threads.getCurrentThreadCpuTime();
      for (int k = 0; k < reps; k++) {
        batch.clear();
        batch.add(decoded, 10);
      }
      at[7] = threads.getCurrentThreadCpuTime();
      if (r > 0) {
        for (int s = 0; s < 7; s++) {
          perStep[s][r - 1] = (at[s + 1] - at[s]) / 1e3 / (reps * payloadMb);
        }
      }
    }
    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d (%s) |", n,
        n * 4L < (1 << 20) ? n * 4 / 1024 + " KB" : n * 4L / (1 << 20) + " MB"));
    for (double[] step : perStep) {
      double[] sorted = step.clone();
      java.util.Arrays.sort(sorted);
      row.append(String.format(Locale.ROOT, " %.0f (%.0f–%.0f) |", sorted[sorted.length / 2], sorted[0],
          sorted[sorted.length - 1]));
    }
    System.out.println(row);
  }
}
