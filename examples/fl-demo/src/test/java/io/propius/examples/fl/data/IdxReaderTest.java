package io.propius.examples.fl.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on the real Fashion-MNIST files of Debian's dataset-fashion-mnist. */
class IdxReaderTest {
  private static final Path DIR = FashionMnist.DEBIAN_DIR;

  @Test
  void readsTheRealFiles() throws IOException {
    assumeTrue(FashionMnist.present(DIR), "dataset-fashion-mnist is installed (.ci/run installs it)");
    IdxReader.IdxArray images = IdxReader.read(DIR.resolve("train-images-idx3-ubyte.gz"));
    IdxReader.IdxArray labels = IdxReader.read(DIR.resolve("train-labels-idx1-ubyte.gz"));
    assertThat(images.shape()).containsExactly(60_000, 28, 28);
    assertThat(images.itemSize()).isEqualTo(784);
    assertThat(labels.shape()).containsExactly(60_000);
    assertThat(IdxReader.read(DIR.resolve("t10k-labels-idx1-ubyte.gz")).items()).isEqualTo(10_000);

    int[] perClass = new int[10];
    for (byte b : labels.values()) {
      perClass[b & 0xff]++;
    }
    // Fashion-MNIST is balanced: 6,000 training images of each of the 10 classes.
    assertThat(perClass).containsOnly(6_000);
    // The first training image is an ankle boot (label 9); its border is blank and its centre is not.
    assertThat(labels.values()[0] & 0xff).isEqualTo(9);
    assertThat(images.values()[0] & 0xff).isZero();
    assertThat(images.values()[14 * 28 + 14] & 0xff).isGreaterThan(0);
  }

  @Test
  void loadsScaledDatasets() throws IOException {
    assumeTrue(FashionMnist.present(DIR), "dataset-fashion-mnist is installed (.ci/run installs it)");
    FashionMnist set = FashionMnist.load(DIR);
    assertThat(set.train().size()).isEqualTo(60_000);
    assertThat(set.test().size()).isEqualTo(10_000);
    assertThat(set.test().dims()).isEqualTo(784);
    assertThat(Arrays.stream(set.test().labels()).min().getAsInt()).isZero();
    assertThat(Arrays.stream(set.test().labels()).max().getAsInt()).isEqualTo(9);
    float max = 0;
    for (float v : set.train().features()) {
      assertThat(v).isBetween(0f, 1f);
      max = Math.max(max, v);
    }
    assertThat(max).isEqualTo(1f);
  }

  @Test
  void refusesWhatIsNotIdx(@TempDir Path dir) throws IOException {
    Path text = Files.writeString(dir.resolve("labels"), "not an idx file");
    assertThatThrownBy(() -> IdxReader.read(text)).isInstanceOf(IOException.class).hasMessageContaining("not an unsigned-byte IDX");
    Path truncated = Files.write(dir.resolve("short"), new byte[] {0, 0, 8, 1, 0, 0, 0, 5, 1, 2});
    assertThatThrownBy(() -> IdxReader.read(truncated)).isInstanceOf(IOException.class);
  }
}
