package dev.cairn.core.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The spec text saved next to a model's weights ({@value #NAME}), so that a later run can rebuild
 * the architecture to load them into (fine-tuning) without the tracking store.
 */
final class SpecFile {
  static final String NAME = "spec.yaml";

  private SpecFile() {}

  static void write(Path dir, String text) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(NAME), text);
  }

  static String read(Path dir, String what) throws IOException {
    try {
      return Files.readString(dir.resolve(NAME));
    } catch (NoSuchFileException e) {
      throw new IOException(
          what
              + " has no "
              + NAME
              + " next to its weights in "
              + dir
              + " (trained by an older Cairn?); train it again to fine-tune from it");
    }
  }
}
