package dev.cairn.server.bus;

import dev.cairn.core.tracking.media.MediaRecord;
import java.util.List;
import java.util.Map;

/**
 * Images, histograms, text, graphs and late params of a run on their way to the {@link
 * MediaWriterVerticle}.
 *
 * @param paramsRunId run of {@code params}, or null when there are none
 */
public record MediaBatch(
    List<MediaRecord> records, String paramsRunId, Map<String, String> params) {
  public MediaBatch {
    records = List.copyOf(records);
    params = params == null ? Map.of() : Map.copyOf(params);
  }
}
