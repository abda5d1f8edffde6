package io.propius.examples.fl;

import io.propius.examples.fl.data.Dataset;
import io.propius.examples.fl.data.DirichletPartition;
import io.propius.examples.fl.data.FashionMnist;
import io.propius.examples.fl.data.GaussianMixture;
import io.propius.examples.fl.data.LocalData;
import io.propius.examples.fl.device.DeviceProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo's data: the test set of each task, and every simulated device with its own examples.
 *
 * @param label printed before every line: empty for the real data, {@code [synthetic] } otherwise
 * @param tests the test set of each task, by task name
 * @param devices each device's profile and own examples, by task name
 */
record DemoData(DemoOptions.DataSource source, String label, Map<String, Dataset> tests,
                List<Device> devices) {
  /** Task of every Fashion-MNIST job. */
  static final String FASHION = "fmnist";
  /** The synthetic tasks: nearly linearly separable blobs, and interleaved pockets for the MLP. */
  static final String BLOBS = "blobs";
  static final String POCKETS = "pockets";
  /** Standard deviation of the log of a device's example count (quantity skew). */
  private static final double SIZE_SIGMA = 0.8;

  record Device(DeviceProfile profile, Map<String, LocalData> data) {
  }

  /** The real data when it can be had, else (saying so in one line) the synthetic tasks. */
  static DemoData load(DemoOptions o, PrintStream out) throws IOException {
    if (o.data == DemoOptions.DataSource.FASHION_MNIST) {
      if (FashionMnist.present(o.dataDir)) {
        return fashion(o, FashionMnist.load(o.dataDir), out);
      }
      out.printf("[synthetic] Fashion-MNIST is not in %s (install Debian's dataset-fashion-mnist, or run"
          + " ./propius demo): using synthetic data instead%n", o.dataDir);
    }
    return synthetic(o, out);
  }

  private static DemoData fashion(DemoOptions o, FashionMnist set, PrintStream out) {
    Dataset train = set.train();
    int[][] parts = DirichletPartition.split(train.labels(), train.classes(), o.devices, o.alpha, SIZE_SIGMA, o.seed);
    SplittableRandom rnd = new SplittableRandom(o.seed);
    List<Device> devices = new ArrayList<>();
    for (int i = 0; i < o.devices; i++) {
      DeviceProfile p = DeviceProfile.random(String.format("sim-%04d", i), rnd).withSamples(parts[i].length);
      devices.add(new Device(p, Map.of(FASHION, new LocalData(train, parts[i]))));
    }
    int[] sizes = Arrays.stream(parts).mapToInt(a -> a.length).sorted().toArray();
    out.printf("Fashion-MNIST from %s: %d training images split over %d devices, class mix ~ Dirichlet(alpha=%s)"
            + " (mean distance from the global mix %.2f), %d to %d images each (median %d); %d test images%n",
        o.dataDir, train.size(), o.devices, o.alpha, DirichletPartition.labelSkew(train.labels(), train.classes(),
            parts), sizes[0], sizes[sizes.length - 1], sizes[sizes.length / 2], set.test().size());
    return new DemoData(DemoOptions.DataSource.FASHION_MNIST, "", Map.of(FASHION, set.test()), devices);
  }

  private static DemoData synthetic(DemoOptions o, PrintStream out) {
    GaussianMixture blobs = new GaussianMixture(o.seed, 20, 10, 1, 0.6, 1.0);
    GaussianMixture pockets = new GaussianMixture(o.seed + 1, 6, 4, 4, 1.0, 0.6);
    SplittableRandom rnd = new SplittableRandom(o.seed);
    Map<String, Dataset> tests = Map.of(BLOBS, blobs.sample(2000, null, rnd.split()), POCKETS,
        pockets.sample(2000, null, rnd.split()));
    List<Device> devices = new ArrayList<>();
    for (int i = 0; i < o.devices; i++) {
      DeviceProfile p = DeviceProfile.random(String.format("sim-%04d", i), rnd);
      SplittableRandom own = rnd.split();
      devices.add(new Device(p, Map.of(
          BLOBS, LocalData.all(blobs.sample(p.samples(), blobs.skewedClassWeights(2, 0.8, own), own)),
          POCKETS, LocalData.all(pockets.sample(p.samples(), pockets.skewedClassWeights(1, 0.7, own), own)))));
    }
    out.printf("[synthetic] Gaussian-blob tasks (%s: 20 dimensions, 10 classes; %s: 6 dimensions, 4 classes),"
        + " each device skewed to a few classes%n", BLOBS, POCKETS);
    return new DemoData(DemoOptions.DataSource.SYNTHETIC, "[synthetic] ", tests, devices);
  }

  /** The task the job of a given model trains on. */
  String task(boolean mlp) {
    return source == DemoOptions.DataSource.FASHION_MNIST ? FASHION : mlp ? POCKETS : BLOBS;
  }

  /** What the report's title calls the data. */
  String title() {
    return source == DemoOptions.DataSource.FASHION_MNIST ? "Fashion-MNIST" : "synthetic data";
  }
}
