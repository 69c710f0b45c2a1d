package dev.cairn.core.tracking.media;

import java.util.List;

/** Which non-scalar data a run has: image, histogram and text tags, and whether it has a graph. */
public record MediaTags(
    List<String> images, List<String> histograms, List<String> texts, boolean graph) {}
