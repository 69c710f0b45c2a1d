package dev.cairn.core.training;

import dev.cairn.core.Provenance;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.spec.SpecResolver;
import dev.cairn.core.tracking.ScalarPoint;
import dev.cairn.core.tracking.media.MediaRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Real trainings with the built-in plugins (test class path), metrics collected in memory. */
final class CourseRuns implements AutoCloseable {
  final Path dataDir;
  final PluginRegistry plugins = PluginRegistry.load(null, Provenance.cairnVersion());

  CourseRuns(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** What a run recorded. */
  static final class Recorded implements MetricSink {
    final List<ScalarPoint> points = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> params = Collections.synchronizedMap(new LinkedHashMap<>());
    final List<MediaRecord> media = Collections.synchronizedList(new ArrayList<>());
    TrainingResult result;

    @Override
    public void acceptMedia(MediaRecord record) {
      media.add(record);
    }

    /** Distinct steps of the histograms logged. */
    SortedSet<Long> histogramSteps() {
      synchronized (media) {
        return media.stream()
            .filter(m -> m instanceof MediaRecord.HistogramAt)
            .map(m -> ((MediaRecord.HistogramAt) m).step())
            .collect(Collectors.toCollection(TreeSet::new));
      }
    }

    @Override
    public void accept(ScalarPoint point) {
      points.add(point);
    }

    @Override
    public void acceptParams(String runId, Map<String, String> values) {
      params.putAll(values);
    }

    List<Double> series(String tag) {
      synchronized (points) {
        return points.stream().filter(p -> p.tag().equals(tag)).map(ScalarPoint::value).toList();
      }
    }

    List<Long> steps(String tag) {
      synchronized (points) {
        return points.stream().filter(p -> p.tag().equals(tag)).map(ScalarPoint::step).toList();
      }
    }

    float[] weights(String suffix) {
      return result.parameters().entrySet().stream()
          .filter(e -> e.getKey().endsWith(suffix))
          .findFirst()
          .orElseThrow()
          .getValue()
          .values();
    }
  }

  ResolvedSpec resolve(String spec) {
    return new SpecResolver(plugins).resolve(SpecParser.parse(spec, "test"));
  }

  Recorded train(String spec, String runId) throws Exception {
    return train(spec, runId, null);
  }

  Recorded train(String spec, String runId, Resume resume) throws Exception {
    Recorded recorded = new Recorded();
    recorded.result =
        new TrainingRunner()
            .train(
                resolve(spec),
                runId,
                new TrainingRunner.Environment(
                    dataDir, true, recorded, ProgressObserver.NONE, () -> false),
                resume);
    return recorded;
  }

  @Override
  public void close() {
    plugins.close();
  }
}
