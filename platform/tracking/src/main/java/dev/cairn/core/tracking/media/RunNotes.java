package dev.cairn.core.tracking.media;

import java.util.List;
import java.util.Objects;

/**
 * What users write about a run in the dashboard.
 *
 * @param tags short labels (1..64 characters each, no commas), at most 32
 * @param notes free text, at most 65,536 characters
 */
public record RunNotes(List<String> tags, String notes) {
  public static final RunNotes EMPTY = new RunNotes(List.of(), "");

  public RunNotes {
    tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
    notes = notes == null ? "" : notes;
    if (tags.size() > 32) {
      throw new IllegalArgumentException("a run has at most 32 tags, got " + tags.size());
    }
    for (String t : tags) {
      if (t.isBlank() || t.length() > 64 || t.contains(",")) {
        throw new IllegalArgumentException(
            "tag '" + t + "' must be 1..64 characters without commas");
      }
    }
    if (notes.length() > 65_536) {
      throw new IllegalArgumentException(
          "notes are at most 65,536 characters, got " + notes.length());
    }
  }
}
