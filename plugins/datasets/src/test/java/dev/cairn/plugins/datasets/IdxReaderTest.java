package dev.cairn.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  @Test
  void readsRawAndGzippedFilesAlike() throws IOException {
    byte[] idx = IdxFiles.images(3);
    IdxReader.IdxData raw = IdxReader.read(write("images", idx), 3, "pixels", 0);
    IdxReader.IdxData gz = IdxReader.read(write("images.gz", IdxFiles.gzip(idx)), 3, "pixels", 0);

    assertThat(raw.dims()).containsExactly(3, 28, 28);
    assertThat(raw.itemSize()).isEqualTo(784);
    assertThat(raw.values()).hasSize(3 * 784).isEqualTo(Arrays.copyOfRange(idx, 16, idx.length));
    assertThat(gz.dims()).isEqualTo(raw.dims());
    assertThat(gz.values()).isEqualTo(raw.values());
  }

  @Test
  void gzipIsRecognisedByContentNotName() throws IOException {
    Path file = write("labels-without-gz-suffix", IdxFiles.gzip(IdxFiles.labels(7)));
    assertThat(IdxReader.read(file, 1, "labels", 0).values()).containsExactly(0, 1, 2, 3, 4, 5, 6);
  }

  @Test
  void limitReadsOnlyTheFirstItems() throws IOException {
    Path file = write("images.gz", IdxFiles.gzip(IdxFiles.images(10)));
    IdxReader.IdxData head = IdxReader.read(file, 3, "pixels", 4);
    assertThat(head.dims()).containsExactly(4, 28, 28);
    assertThat(head.values()).hasSize(4 * 784);
    assertThat(IdxReader.read(file, 3, "pixels", 50).items()).isEqualTo(10);
  }

  @Test
  void truncatedDataNamesTheFileAndTheSizes() throws IOException {
    byte[] idx = IdxFiles.images(1);
    Path file = write("train-images-idx3-ubyte", Arrays.copyOf(idx, 16 + 100));
    assertThatThrownBy(() -> IdxReader.read(file, 3, "pixels", 0))
        .isInstanceOf(IOException.class)
        .hasMessage("train-images-idx3-ubyte: truncated, expected 784 bytes of pixels, found 100");
  }

  @Test
  void aHeaderClaimingHugeSizesFailsWithoutAllocatingThem() throws IOException {
    Path raw =
        write("t10k-images-idx3-ubyte", IdxFiles.idx(new int[] {100_000, 28, 28}, new byte[0]));
    assertThatThrownBy(() -> IdxReader.read(raw, 3, "pixels", 0))
        .hasMessage(
            "t10k-images-idx3-ubyte: truncated, expected 78400000 bytes of pixels, found 0");
    byte[] huge = IdxFiles.idx(new int[] {Integer.MAX_VALUE, 28, 28}, new byte[0]);
    Path gz = write("t10k-images-idx3-ubyte.gz", IdxFiles.gzip(huge));
    assertThatThrownBy(() -> IdxReader.read(gz, 3, "pixels", 0))
        .hasMessage("t10k-images-idx3-ubyte.gz: too large (dimensions [2147483647, 28, 28])");
  }

  @Test
  void truncatedGzipStreamIsReportedAsTruncated() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.images(20));
    Path file = write("train-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
    assertThatThrownBy(() -> IdxReader.read(file, 3, "pixels", 0))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(
            "train-images-idx3-ubyte.gz: truncated, expected 15680 bytes of pixels, found ");
  }

  @Test
  void truncatedHeader() throws IOException {
    Path file = write("t10k-labels-idx1-ubyte", new byte[] {0, 0});
    assertThatThrownBy(() -> IdxReader.read(file, 1, "labels", 0))
        .hasMessage("t10k-labels-idx1-ubyte: truncated, expected 4 bytes of magic number, found 2");
    Path noDims = write("t10k-images-idx3-ubyte", new byte[] {0, 0, 8, 3, 0, 0, 0, 1});
    assertThatThrownBy(() -> IdxReader.read(noDims, 3, "pixels", 0))
        .hasMessage(
            "t10k-images-idx3-ubyte: truncated, expected 12 bytes of dimension sizes, found 4");
  }

  @Test
  void corruptGzipTrailer() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.labels(50));
    gz[gz.length - 6] ^= 0x55; // inside the CRC-32 of the trailer
    Path file = write("labels.gz", gz);
    assertThatThrownBy(() -> IdxReader.read(file, 1, "labels", 0))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("labels.gz: corrupt gzip data");
  }

  @Test
  void notAnIdxFile() throws IOException {
    Path file = write("train-images-idx3-ubyte.gz", "<html>Not Found</html>".getBytes());
    assertThatThrownBy(() -> IdxReader.read(file, 3, "pixels", 0))
        .hasMessage(
            "train-images-idx3-ubyte.gz: not an IDX file (magic number 0x3C68746D, expected"
                + " 0x00000803)");
  }

  @Test
  void wrongNumberOfDimensions() throws IOException {
    Path labels = write("labels", IdxFiles.labels(3));
    assertThatThrownBy(() -> IdxReader.read(labels, 3, "pixels", 0))
        .hasMessage("labels: expected 3 dimensions, found 1");
  }

  @Test
  void unsupportedValueType() throws IOException {
    byte[] idx = IdxFiles.labels(3);
    idx[2] = 0x0D; // float
    Path file = write("floats", idx);
    assertThatThrownBy(() -> IdxReader.read(file, 1, "labels", 0))
        .hasMessageContaining("floats: unsupported IDX value type 0x0D");
  }

  @Test
  void extraBytesAfterTheDataAreAnError() throws IOException {
    byte[] idx = IdxFiles.labels(3);
    Path file = write("labels", Arrays.copyOf(idx, idx.length + 5));
    assertThatThrownBy(() -> IdxReader.read(file, 1, "labels", 0))
        .hasMessageStartingWith("labels: unexpected bytes after the 3 bytes of labels");
  }

  @Test
  void missingFile() {
    assertThatThrownBy(() -> IdxReader.read(dir.resolve("nope.gz"), 1, "labels", 0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nope.gz");
  }
}
