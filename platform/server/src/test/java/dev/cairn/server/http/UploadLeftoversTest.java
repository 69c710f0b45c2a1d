package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server removes the temporary files of uploads a killed server left, and only those. */
class UploadLeftoversTest {
  @TempDir Path data;

  @Test
  void oldPartFilesGoNewOnesAndOtherFilesStay() throws Exception {
    Path models = Files.createDirectories(data.resolve("uploads"));
    Path artifacts = Files.createDirectories(data.resolve("tmp").resolve("uploads"));
    Instant start = Instant.now();
    Path oldModel = Files.writeString(models.resolve("upload-1.onnx.part"), "half a model");
    Path oldArtifact = Files.writeString(artifacts.resolve("abc.part"), "half a file");
    Path fresh =
        Files.writeString(artifacts.resolve("new.part"), "an upload begun after the start");
    Path other = Files.writeString(models.resolve("notes.txt"), "not an upload");
    FileTime before = FileTime.from(start.minusSeconds(60));
    Files.setLastModifiedTime(oldModel, before);
    Files.setLastModifiedTime(oldArtifact, before);
    Files.setLastModifiedTime(other, before);
    Files.setLastModifiedTime(fresh, FileTime.from(start.plusSeconds(1)));

    assertThat(UploadBudget.removeLeftovers(data, start)).isEqualTo(2);
    assertThat(oldModel).doesNotExist();
    assertThat(oldArtifact).doesNotExist();
    assertThat(fresh).exists();
    assertThat(other).exists();
    assertThat(UploadBudget.removeLeftovers(data.resolve("nowhere"), start)).isZero();
  }
}
