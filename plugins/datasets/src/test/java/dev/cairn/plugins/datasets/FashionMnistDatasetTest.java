package dev.cairn.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.spi.DatasetContext;
import dev.cairn.spi.DatasetSplits;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistDatasetTest {
  @TempDir Path tmp;

  private final FashionMnistDataset debian = new FashionMnistDataset();

  private DatasetContext offline() {
    return new DatasetContext(tmp.resolve("data"), 1, true);
  }

  private static Params params(FashionMnistDataset dataset, Map<String, ?> raw) {
    return Params.validate("dataset", dataset.params(), raw);
  }

  /** A provider whose system folder is {@code systemDir} and that must not download. */
  private static FashionMnistDataset withSystemDir(Path systemDir) {
    return new FashionMnistDataset(
        systemDir,
        () -> {
          throw new AssertionError("must not download");
        });
  }

  @Test
  void describesItself() {
    assertThat(debian.id()).isEqualTo("fashion-mnist");
    assertThat(debian.params()).extracting(p -> p.name()).containsExactly("folder", "url", "limit");
  }

  @Test
  void loadsTheWholeDebianDataSet() throws IOException {
    assumeTrue(
        Files.isDirectory(FashionMnistDataset.DEBIAN_DIR), "dataset-fashion-mnist not installed");
    DatasetSplits splits = debian.load(params(debian, Map.of()), offline());

    assertThat(splits.info().inputShape()).containsExactly(1, 28, 28);
    assertThat(splits.info().classLabels())
        .hasSize(10)
        .startsWith("T-shirt/top")
        .endsWith("Ankle boot");
    assertThat(splits.validation()).isNull();
    Split train = splits.train();
    Split test = splits.testSplit().orElseThrow();
    assertThat(train.features().shape()).containsExactly(60000, 1, 28, 28);
    assertThat(train.labels().shape()).containsExactly(60000);
    assertThat(test.features().shape()).containsExactly(10000, 1, 28, 28);
    assertThat(test.labels().shape()).containsExactly(10000);

    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : train.features().data()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertThat(min).isEqualTo(0f);
    assertThat(max).isEqualTo(1f);
    // Known facts about Fashion-MNIST: the first example of both files is an ankle boot (9), and
    // every class has exactly 6,000 training and 1,000 test examples.
    assertThat(train.labels().data()[0]).isEqualTo(9f);
    assertThat(test.labels().data()[0]).isEqualTo(9f);
    assertThat(classCounts(train)).containsOnly(6000);
    assertThat(classCounts(test)).containsOnly(1000);
  }

  private static int[] classCounts(Split split) {
    int[] counts = new int[10];
    for (float label : split.labels().data()) {
      counts[(int) label]++;
    }
    return counts;
  }

  @Test
  void limitTakesTheFirstExamplesOfEachSplit() throws IOException {
    Path folder = IdxFiles.fashionFolder(tmp.resolve("fm"), 30, 20);
    DatasetSplits splits =
        debian.load(params(debian, Map.of("folder", folder.toString(), "limit", 5)), offline());
    assertThat(splits.train().features().shape()).containsExactly(5, 1, 28, 28);
    assertThat(splits.test().labels().data()).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void folderParameterReadsGzippedAndRawFiles() throws IOException {
    Path folder = IdxFiles.fashionFolder(tmp.resolve("fm"), 12, 7);
    DatasetSplits splits =
        debian.load(params(debian, Map.of("folder", folder.toString())), offline());
    assertThat(splits.train().size()).isEqualTo(12);
    assertThat(splits.test().size()).isEqualTo(7);
    // image 1, pixel 2 holds byte 3 -> 3/255
    assertThat(splits.train().features().data()[784 + 2]).isEqualTo(3 / 255f);
    assertThat(splits.train().labels().data()[11]).isEqualTo(1f);
  }

  @Test
  void folderMissingAFileSaysWhich() throws IOException {
    Path folder = IdxFiles.fashionFolder(tmp.resolve("fm"), 3, 3);
    Files.delete(folder.resolve(FashionMnistFiles.TEST_LABELS));
    assertThatThrownBy(
            () -> debian.load(params(debian, Map.of("folder", folder.toString())), offline()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("lacks t10k-labels-idx1-ubyte")
        .hasMessageContaining(folder.toString());
  }

  @Test
  void folderThatDoesNotExist() {
    Path folder = tmp.resolve("nowhere");
    assertThatThrownBy(
            () -> debian.load(params(debian, Map.of("folder", folder.toString())), offline()))
        .isInstanceOf(IOException.class)
        .hasMessage("fashion-mnist: folder " + folder + " (dataset.folder) does not exist");
  }

  @Test
  void labelAndImageCountsMustAgree() throws IOException {
    Path folder = IdxFiles.fashionFolder(tmp.resolve("fm"), 3, 3);
    Files.write(folder.resolve(FashionMnistFiles.TEST_LABELS), IdxFiles.labels(2));
    assertThatThrownBy(
            () -> debian.load(params(debian, Map.of("folder", folder.toString())), offline()))
        .hasMessage("t10k-labels-idx1-ubyte has 2 labels but t10k-images-idx3-ubyte has 3 images");
  }

  @Test
  void labelsOutOfRange() throws IOException {
    Path folder = IdxFiles.fashionFolder(tmp.resolve("fm"), 3, 3);
    Files.write(
        folder.resolve(FashionMnistFiles.TEST_LABELS),
        IdxFiles.idx(new int[] {3}, new byte[] {1, 10, 2}));
    assertThatThrownBy(
            () -> debian.load(params(debian, Map.of("folder", folder.toString())), offline()))
        .hasMessage("t10k-labels-idx1-ubyte: label 10 of example 1 is out of range 0..9");
  }

  @Test
  void imagesMustBe28By28() throws IOException {
    Path folder = IdxFiles.fashionFolder(tmp.resolve("fm"), 3, 3);
    Files.write(
        folder.resolve(FashionMnistFiles.TEST_IMAGES),
        IdxFiles.idx(new int[] {3, 2, 2}, new byte[12]));
    assertThatThrownBy(
            () -> debian.load(params(debian, Map.of("folder", folder.toString())), offline()))
        .hasMessage("t10k-images-idx3-ubyte: expected 28x28 images, found 2x2");
  }

  @Test
  void systemFolderComesBeforeTheCache() throws IOException {
    Path system = IdxFiles.fashionFolder(tmp.resolve("system"), 4, 4);
    DatasetContext context = offline();
    IdxFiles.fashionFolder(context.cacheDir("fashion-mnist"), 9, 9);
    FashionMnistDataset dataset = withSystemDir(system);
    assertThat(dataset.load(params(dataset, Map.of()), context).train().size()).isEqualTo(4);
  }

  @Test
  void cacheIsUsedWhenTheSystemFolderIsAbsent() throws IOException {
    DatasetContext context = offline();
    IdxFiles.fashionFolder(context.cacheDir("fashion-mnist"), 9, 2);
    FashionMnistDataset dataset = withSystemDir(tmp.resolve("no-system-dir"));
    assertThat(dataset.load(params(dataset, Map.of()), context).train().size()).isEqualTo(9);
  }

  @Test
  void offlineWithoutFilesSaysWhereItLookedAndHowToInstall() {
    Path system = tmp.resolve("no-system-dir");
    FashionMnistDataset dataset = withSystemDir(system);
    DatasetContext context = offline();
    assertThatThrownBy(() -> dataset.load(params(dataset, Map.of()), context))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(system.toString())
        .hasMessageContaining(context.cacheDir("fashion-mnist").toString())
        .hasMessageContaining("offline")
        .hasMessageContaining("apt-get install dataset-fashion-mnist")
        .hasMessageContaining("CAIRN_FASHION_MNIST_DIR=FOLDER (or dataset.folder in the spec)");
  }

  @Test
  void parameterErrorsNameTheField() {
    assertThatThrownBy(() -> params(debian, Map.of("limit", -1)))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("dataset.limit: -1 is not allowed");
    assertThatThrownBy(() -> params(debian, Map.of("folde", "/x")))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("did you mean 'folder'");
  }

  @Test
  void badUrlIsASpecError() {
    FashionMnistDataset dataset = withSystemDir(tmp.resolve("no-system-dir"));
    DatasetContext online = new DatasetContext(tmp.resolve("data"), 1, false);
    assertThatThrownBy(
            () -> dataset.load(params(dataset, Map.of("url", "ftp://example.org/")), online))
        .isInstanceOf(SpecException.class)
        .extracting(e -> ((SpecException) e).field())
        .isEqualTo("dataset.url");
  }
}
