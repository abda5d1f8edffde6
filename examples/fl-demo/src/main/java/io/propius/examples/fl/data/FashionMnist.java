package io.propius.examples.fl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Zalando, 28×28 grey images of 10 kinds of clothing) from the IDX files Debian's
 * {@code dataset-fashion-mnist} package installs: 60,000 training and 10,000 test images, pixels
 * scaled to {@code [0, 1]}.
 */
public record FashionMnist(Dataset train, Dataset test) {
  /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  public static final int CLASSES = 10;
  /** The class names, by label. */
  public static final String[] CLASS_NAMES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
      "Sneaker", "Bag", "Ankle boot"};

  /** Whether the four files are in {@code dir}. */
  public static boolean present(Path dir) {
    return Files.isReadable(dir.resolve("train-images-idx3-ubyte.gz")) && Files.isReadable(dir.resolve(
        "train-labels-idx1-ubyte.gz")) && Files.isReadable(dir.resolve("t10k-images-idx3-ubyte.gz"))
        && Files.isReadable(dir.resolve("t10k-labels-idx1-ubyte.gz"));
  }

  /** @throws IOException when a file is missing or malformed, or images and labels disagree */
  public static FashionMnist load(Path dir) throws IOException {
    return new FashionMnist(load(dir, "train"), load(dir, "t10k"));
  }

  private static Dataset load(Path dir, String prefix) throws IOException {
    IdxReader.IdxArray images = IdxReader.read(dir.resolve(prefix + "-images-idx3-ubyte.gz"));
    IdxReader.IdxArray labels = IdxReader.read(dir.resolve(prefix + "-labels-idx1-ubyte.gz"));
    if (images.shape().length != 3 || labels.shape().length != 1 || images.items() != labels.items()) {
      throw new IOException(prefix + ": " + images.items() + " images and " + labels.items() + " labels do not match");
    }
    byte[] px = images.values();
    float[] x = new float[px.length];
    for (int i = 0; i < px.length; i++) {
      x[i] = (px[i] & 0xff) / 255f;
    }
    int[] y = new int[labels.items()];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels.values()[i] & 0xff;
      if (y[i] >= CLASSES) {
        throw new IOException(prefix + ": label " + y[i] + " at " + i + " is not a Fashion-MNIST class");
      }
    }
    return new Dataset(x, y, images.itemSize(), CLASSES);
  }
}
