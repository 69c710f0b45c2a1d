package dev.cairn.core.onnx;

import dev.cairn.core.Provenance;
import dev.cairn.core.plugins.PluginRegistry;
import dev.cairn.core.spec.ResolvedSpec;
import dev.cairn.core.spec.SpecParser;
import dev.cairn.core.spec.SpecResolver;
import dev.cairn.core.tracking.H2TrackingStore;
import dev.cairn.core.tracking.NewRun;
import dev.cairn.core.tracking.RunStatus;
import dev.cairn.core.training.ProgressObserver;
import dev.cairn.core.training.TrainingRunner;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * A tracking store, the built-in plugins (from the test class path) and real training runs in a
 * temporary data directory, for export tests.
 */
final class TrainedRuns implements AutoCloseable {
  final Path dataDir;
  final H2TrackingStore store;
  final PluginRegistry plugins;
  final OnnxModels models;
  private final JdbcConnectionPool pool;

  TrainedRuns(Path dataDir) {
    this.dataDir = dataDir;
    String url = "jdbc:h2:mem:onnx-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    this.store = H2TrackingStore.open(url, "sa", "");
    this.pool = JdbcConnectionPool.create(url, "sa", "");
    this.plugins = PluginRegistry.load(null, Provenance.cairnVersion());
    this.models =
        new OnnxModels(
            new H2ModelCatalog(store.database(), dataDir),
            store,
            plugins,
            true,
            ProviderChoice.CPU);
  }

  /** Trains {@code specText} to the end and returns the run id. */
  String train(String specText) throws Exception {
    ResolvedSpec resolved = new SpecResolver(plugins).resolve(SpecParser.parse(specText, "test"));
    var spec = resolved.spec();
    String id =
        store
            .createRun(
                new NewRun(
                    spec.experiment(),
                    spec.name(),
                    spec.text(),
                    Provenance.sha256(spec.text()),
                    spec.seed(),
                    "cpu",
                    Map.of("cairn.version", Provenance.cairnVersion()),
                    resolved.flatParams()))
            .id();
    store.markRunning(id, "cpu");
    new TrainingRunner()
        .train(
            resolved,
            id,
            new TrainingRunner.Environment(
                dataDir, true, point -> {}, ProgressObserver.NONE, () -> false));
    store.markEnded(id, RunStatus.FINISHED, null);
    return id;
  }

  static String xorSpec(String model) {
    return xorSpec(model, 10);
  }

  static String xorSpec(String model, int epochs) {
    return """
        name: xor-export
        experiment: onnx-tests
        seed: 42
        device: cpu
        epochs: %d
        dataset: {plugin: xor, repeat: 32, batchSize: 16}
        model: %s
        optimizer: {plugin: adam, lr: 0.02}
        loss: softmax-cross-entropy
        """
        .formatted(epochs, model);
  }

  static final String LINEAR_SPEC =
      """
      name: linear-export
      experiment: onnx-tests
      seed: 7
      device: cpu
      epochs: 3
      dataset: {plugin: synthetic-linear, batchSize: 10}
      model: {plugin: linear}
      optimizer: {plugin: sgd, lr: 0.03}
      loss: l2
      """;

  @Override
  public void close() {
    models.close();
    pool.dispose();
    store.close();
    plugins.close();
  }
}
