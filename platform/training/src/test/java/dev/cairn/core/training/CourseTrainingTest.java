package dev.cairn.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.spi.SpecException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training options on real, tiny trainings. */
class CourseTrainingTest {
  @TempDir Path data;
  private CourseRuns runs;

  @BeforeEach
  void open() {
    runs = new CourseRuns(data);
  }

  @AfterEach
  void close() {
    runs.close();
  }

  private static String linear(String dataset, String optimizer, String training, int epochs) {
    return """
        name: lin
        seed: 5
        device: cpu
        epochs: %d
        logging: {everySteps: 1}
        dataset: {plugin: synthetic-linear, n: 400, %s}
        model: linear
        optimizer: %s
        loss: l2
        training: %s
        """
        .formatted(epochs, dataset, optimizer, training);
  }

  @Test
  void histogramCadenceComesFromTheSpec() throws Exception {
    String every2 =
        linear("batchSize: 100", "{plugin: sgd, lr: 0.05}", "{}", 4)
            .replace(
                "logging: {everySteps: 1}", "logging: {everySteps: 1, histogramsEveryEpochs: 2}");
    assertThat(runs.train(every2, "h2").histogramSteps()).hasSize(2);
    String off = every2.replace("histogramsEveryEpochs: 2", "histogramsEveryEpochs: 0");
    var none = runs.train(off, "h0");
    assertThat(none.histogramSteps()).isEmpty();
    assertThat(none.media).as("the graph is still logged").isNotEmpty();
    assertThat(
            runs.train(linear("batchSize: 100", "{plugin: sgd, lr: 0.05}", "{}", 4), "h1")
                .histogramSteps())
        .as("default: every epoch")
        .hasSize(4);
  }

  @Test
  void everyRunRecordsSystemMetricsUnlessTurnedOff() throws Exception {
    String spec =
        linear("batchSize: 100", "{plugin: sgd, lr: 0.05}", "{}", 2)
            .replace("logging: {everySteps: 1}", "logging: {everySteps: 1, systemEverySeconds: 1}");
    var run = runs.train(spec, "sys");
    // at least the last sample, taken when the run ends; CPU needs two readings, GPU an nvidia-smi
    for (String tag :
        List.of(
            "system/rss_mb",
            "system/heap_used_mb",
            "system/heap_committed_mb",
            "system/cpu_percent")) {
      assertThat(run.series(tag))
          .as(tag)
          .isNotEmpty()
          .allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(0.0));
    }
    assertThat(run.series("system/heap_used_mb")).allSatisfy(v -> assertThat(v).isGreaterThan(0.0));
    List<Long> steps = run.steps("system/heap_used_mb");
    assertThat(steps).isSorted().doesNotHaveDuplicates();
    boolean gpu =
        Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvidia-smi")));
    if (!gpu) { // absent, not zero
      assertThat(run.points).noneMatch(p -> p.tag().startsWith("system/gpu"));
    }
    var off = runs.train(spec.replace("systemEverySeconds: 1", "systemEverySeconds: 0"), "nosys");
    assertThat(off.points).noneMatch(p -> p.tag().startsWith("system/"));
  }

  @Test
  void gradientAccumulationEqualsALargerBatch() throws Exception {
    var big =
        runs.train(
            linear("batchSize: 40, shuffle: false", "{plugin: sgd, lr: 0.05}", "{}", 2), "big");
    var accumulated =
        runs.train(
            linear(
                "batchSize: 10, shuffle: false", "{plugin: sgd, lr: 0.05}", "{accumulate: 4}", 2),
            "acc");
    assertThat(accumulated.weights("weight")).containsExactly(big.weights("weight"), within(1e-5f));
    assertThat(accumulated.weights("bias")).containsExactly(big.weights("bias"), within(1e-5f));
    // 40 batches of 10 = 10 updates per epoch: a step schedule counts updates, not batches
  }

  @Test
  void theLoggedRateFollowsTheScheduleInUpdates() throws Exception {
    var run =
        runs.train(
            linear(
                "batchSize: 100, shuffle: false",
                "{plugin: sgd, lr: 1, schedule: step, gamma: 0.5}",
                "{accumulate: 2}",
                2),
            "sched");
    // 4 batches = 2 updates per epoch; epoch 2's batches use the halved rate
    assertThat(run.series("train/lr")).containsExactly(1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5);
  }

  @Test
  void resumingFromACheckpointGivesTheUninterruptedResult() throws Exception {
    String spec =
        linear(
            "batchSize: 20",
            "{plugin: sgd, lr: 0.02}",
            "{checkpointEvery: 1, keepCheckpoints: 3}",
            3);
    var whole = runs.train(spec, "whole");
    Path runDir = TrainingRunner.Environment.runDir(data, "whole");
    assertThat(Checkpoints.list(runDir))
        .extracting(Checkpoints.Checkpoint::epoch)
        .containsExactly(1, 2, 3);
    var first = Checkpoints.list(runDir).get(0);
    assertThat(first.step()).isEqualTo(20);

    var resumed = runs.train(spec, "whole", new Resume(first));
    // plain SGD keeps no state, and the shuffles continue where they were: same weights
    assertThat(resumed.weights("weight")).containsExactly(whole.weights("weight"), within(1e-6f));
    assertThat(resumed.steps("epoch/train_loss")).containsExactly(2L, 3L);
    assertThat(resumed.steps("train/loss").get(0)).isEqualTo(21L);
    assertThat(resumed.result.steps()).isEqualTo(60);
  }

  @Test
  void everyOptimizerTrainsInTheRealLoop() throws Exception {
    for (String optimizer :
        List.of(
            "{plugin: sgd, lr: 0.5, momentum: 0.9, nesterov: true}",
            "{plugin: adagrad, lr: 0.3}",
            "{plugin: rmsprop, lr: 0.03}",
            "{plugin: adadelta}",
            "{plugin: adamw, lr: 0.03}",
            "{plugin: adam, lr: 0.03, clipGrad: 1}")) {
      String spec =
          """
          name: opt
          device: cpu
          epochs: 40
          dataset: {plugin: xor, repeat: 16, batchSize: 16}
          model: {plugin: mlp, hidden: [8], activation: tanh}
          optimizer: %s
          loss: softmax-cross-entropy
          """
              .formatted(optimizer);
      var run = runs.train(spec, "opt");
      List<Double> losses = run.series("epoch/train_loss");
      assertThat(losses.get(losses.size() - 1)).as(optimizer).isLessThan(losses.get(0) * 0.8);
    }
  }

  @Test
  void aPerceptronTrainsOnTwoClasses() throws Exception {
    // DJL's first-step check summed the two rows' gradients, which cancel, and refused to train
    var run =
        runs.train(
            """
        name: perceptron
        device: cpu
        epochs: 20
        dataset: {plugin: xor, repeat: 64, batchSize: 32}
        model: perceptron
        optimizer: {plugin: sgd, lr: 0.1}
        loss: {plugin: hinge, margin: 1}
        """,
            "perceptron");
    assertThat(run.result.metrics().get("test/accuracy")).isLessThanOrEqualTo(0.75);
  }

  @Test
  void validationSplitSubsetAndFolds() throws Exception {
    String xor =
        """
        name: split
        device: cpu
        epochs: 1
        dataset: {plugin: xor, repeat: 50, batchSize: 10, subset: 100, validation: 0.3}
        model: {plugin: mlp, hidden: [4]}
        optimizer: {plugin: adam, lr: 0.01}
        loss: softmax-cross-entropy
        """;
    var run = runs.train(xor, "split");
    // 100 examples: 70 train (7 batches), 30 validation; xor's own test split is evaluated at the
    // end
    assertThat(run.result.steps()).isEqualTo(7);
    assertThat(run.series("epoch/validation_loss")).hasSize(1);
    assertThat(run.result.metrics()).containsKeys("validation/accuracy", "test/accuracy");
    // what the CLI prints is what the run stores, under the same names with the same meaning
    assertThat(run.series("test/accuracy"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v)
                    .isCloseTo(run.result.metrics().get("test/accuracy"), Offset.offset(1e-6)));
    assertThat(run.series("train/loss"))
        .last()
        .satisfies(
            v ->
                assertThat(v)
                    .isCloseTo(run.result.metrics().get("train/loss"), Offset.offset(1e-6)));
    assertThat(run.series("epoch/train_loss"))
        .last()
        .satisfies(
            v ->
                assertThat(v)
                    .isCloseTo(run.result.metrics().get("epoch/train_loss"), Offset.offset(1e-6)));
    var fold = runs.train(xor.replace("validation: 0.3", "folds: 4, fold: 3"), "fold");
    assertThat(fold.result.steps()).isEqualTo(8); // 75 train examples
  }

  @Test
  void earlyStoppingStopsAndKeepsTheBestEpoch() throws Exception {
    String spec =
        """
        name: early
        device: cpu
        epochs: 30
        dataset: {plugin: xor, repeat: 8, batchSize: 8, validation: 0.25}
        model: {plugin: mlp, hidden: [8]}
        optimizer: {plugin: sgd, lr: 1e-9}
        loss: softmax-cross-entropy
        training: {earlyStopping: {monitor: validation_loss, patience: 2, minDelta: 0.01}}
        """;
    var run = runs.train(spec, "early");
    // a learning rate of 1e-9 changes nothing: stop after epoch 1 + 2 without improvement
    assertThat(run.series("epoch/train_loss")).hasSize(3);
    assertThat(run.result.epochs()).isEqualTo(3);
    assertThat(run.result.metrics())
        .containsEntry("early_stopping/best_epoch", 1.0)
        .containsEntry("early_stopping/stopped_epoch", 3.0);
    assertThat(run.params).containsKey("training.earlyStopping.reason");
  }

  @Test
  void afterAnEarlyStopTheFinalMetricsAreTheRestoredEpochs() throws Exception {
    // the notes' under-overfit setting: a wide MLP on 800 images overfits within a few epochs
    String spec =
        """
        name: overfit
        device: cpu
        epochs: 40
        dataset: {plugin: fashion-mnist, limit: 1000, validation: 0.2, batchSize: 64}
        model: {plugin: mlp, hidden: [1024, 1024]}
        optimizer: {plugin: adam, lr: 0.001}
        loss: softmax-cross-entropy
        training: {earlyStopping: {monitor: validation_loss, patience: 3}}
        """;
    var run = runs.train(spec, "overfit");
    int best = run.result.metrics().get("early_stopping/best_epoch").intValue();
    List<Double> validation = run.series("epoch/validation_loss");
    assertThat(best).isLessThan(validation.size());
    assertThat(validation.get(validation.size() - 1))
        .as("the last epoch is worse")
        .isGreaterThan(validation.get(best - 1) + 0.01);
    assertThat(run.result.metrics().get("validation/loss"))
        .as("evaluated again on the restored weights")
        .isCloseTo(validation.get(best - 1), within(1e-4));
  }

  @Test
  void earlyStoppingOnASplitTheRunDoesNotEvaluateIsRefused() {
    String spec = linear("batchSize: 20", "sgd", "{earlyStopping: {monitor: validation_loss}}", 2);
    assertThatThrownBy(() -> runs.train(spec, "x"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("training.earlyStopping.monitor: 'validation_loss' is not tracked");
  }

  @Test
  void evaluationEveryNEpochsAndAfterTheLast() throws Exception {
    String spec =
        linear("batchSize: 40, validation: 0.25", "{plugin: sgd, lr: 0.05}", "{}", 5)
            .replace(
                "logging: {everySteps: 1}", "logging: {everySteps: 1, evaluateEveryEpochs: 2}");
    var run = runs.train(spec, "eval2");
    assertThat(run.steps("epoch/validation_loss")).containsExactly(2L, 4L, 5L);
    assertThat(run.steps("epoch/train_loss")).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(run.result.metrics().get("validation/loss"))
        .isCloseTo(run.series("epoch/validation_loss").get(2), within(1e-9));
    String early =
        linear(
                "batchSize: 40, validation: 0.25",
                "sgd",
                "{earlyStopping: {monitor: validation_loss}}",
                3)
            .replace(
                "logging: {everySteps: 1}", "logging: {everySteps: 1, evaluateEveryEpochs: 2}");
    assertThatThrownBy(() -> runs.train(early, "x"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("logging.evaluateEveryEpochs: 2 is not allowed");
  }

  @Test
  void aRunsThreadsAndWaitPolicyAreRecorded() throws Exception {
    var run =
        runs.train(linear("batchSize: 100", "{plugin: sgd, lr: 0.05}", "{threads: 1}", 1), "t1");
    assertThat(run.params)
        .containsEntry("system.torch.intraOpThreads", "1")
        .containsKey("system.torch.interOpThreads")
        .containsEntry("system.dataDevice", "cpu")
        .containsKey("system.omp.waitPolicy");
  }

  @Test
  void fineTuneLoadsTheBodyFreezesItAndTrainsANewHead() throws Exception {
    String source =
        """
        name: source
        device: cpu
        seed: 3
        epochs: 3
        dataset: {plugin: xor, repeat: 16, batchSize: 8}
        model: {plugin: mlp, hidden: [6]}
        optimizer: {plugin: adam, lr: 0.05}
        loss: softmax-cross-entropy
        """;
    var src = runs.train(source, "src");
    String tune =
        source
                .replace("name: source", "name: tuned")
                .replace("seed: 3", "seed: 4")
                .replace("lr: 0.05", "lr: 0.1")
            + "training: {fineTune: {from: src, freeze: true}}\n";
    var tuned = runs.train(tune, "tuned");
    // the hidden layer came from the source and stayed frozen; the output layer is new and trained
    assertThat(tuned.weights("02Linear_weight")).containsExactly(src.weights("02Linear_weight"));
    assertThat(tuned.weights("04Linear_weight")).isNotEqualTo(src.weights("04Linear_weight"));
    assertThat(tuned.params)
        .containsEntry("training.fineTune.loadedParameters", "2")
        .containsEntry("training.fineTune.newParameters", "04Linear_weight 04Linear_bias");

    // a new head starts at zero (BiT): with a negligible rate it is still ~0 after training
    var zero =
        runs.train(
            source.replace("name: source", "name: zero").replace("lr: 0.05", "lr: 1e-9")
                + "training: {fineTune: {from: src}}\n",
            "zero");
    for (float w : zero.weights("04Linear_weight")) {
      assertThat(w).isCloseTo(0f, within(1e-6f));
    }
    assertThat(zero.weights("02Linear_weight"))
        .containsExactly(src.weights("02Linear_weight"), within(1e-6f));

    // by name: the latest run called 'source'
    var bodyLr =
        runs.train(
            source.replace("name: source", "name: slow").replace("seed: 3", "seed: 4")
                + "training: {fineTune: {from: source, bodyLr: 0.1, newHead: false}}\n",
            "slow-body");
    assertThat(bodyLr.params).containsEntry("training.fineTune.fromRun", "src");
    assertThat(bodyLr.params).containsEntry("training.fineTune.loadedParameters", "4");
    String otherModel =
        source.replace(
                "model: {plugin: mlp, hidden: [6]}", "model: {plugin: sum-of-sigmoids, units: 6}")
            + "training: {fineTune: {from: src}}\n";
    assertThatThrownBy(() -> runs.train(otherModel, "other"))
        .hasMessageContaining("trained model 'mlp' but this spec builds 'sum-of-sigmoids'");
  }

  @Test
  void classesKeepsAndRelabelsChosenClasses() throws Exception {
    String spec =
        """
        name: classes
        device: cpu
        epochs: 1
        dataset: {plugin: xor, repeat: 4, batchSize: 4, classes: [1, 0]}
        model: {plugin: mlp, hidden: [4]}
        optimizer: {plugin: adam}
        loss: softmax-cross-entropy
        training: {perClassAccuracy: true}
        """;
    var run = runs.train(spec, "classes");
    assertThat(run.series("epoch/test_class_accuracy/1")).hasSize(1);
    assertThatThrownBy(() -> runs.train(spec.replace("[1, 0]", "[1, 2]"), "x"))
        .hasMessageStartingWith("dataset.classes: 2 is not allowed; the dataset has classes 0..1");
  }

  @Test
  void topKAndPerClassAccuracy() throws Exception {
    String spec =
        """
        name: topk
        device: cpu
        epochs: 1
        dataset: {plugin: xor, repeat: 4, batchSize: 4}
        model: {plugin: mlp, hidden: [4]}
        optimizer: {plugin: adam}
        loss: softmax-cross-entropy
        training: {topK: 2, perClassAccuracy: true}
        """;
    var run = runs.train(spec, "topk");
    // two classes: the top 2 always hold the label
    assertThat(run.series("epoch/test_top2_accuracy")).containsExactly(1.0);
    assertThat(run.series("epoch/test_class_accuracy/0")).hasSize(1);
    assertThat(run.result.metrics())
        .containsEntry("test/top2_accuracy", 1.0)
        .containsKeys("test/class_accuracy/0", "test/class_accuracy/1");
    assertThatThrownBy(() -> runs.train(spec.replace("topK: 2", "topK: 3"), "x"))
        .hasMessageStartingWith("training.topK: 3 is not allowed; the dataset has 2 classes");
  }

  @Test
  void normalisationAugmentationAndMixupTrain() throws Exception {
    Path images = data.resolve("images");
    for (String label : List.of("dark", "light")) {
      for (int i = 0; i < 6; i++) {
        var img = new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(label.equals("dark") ? new Color(20 * i, 10, 10) : new Color(200, 180 + i, 250));
        g.fillRect(0, 0, 6, 6);
        g.dispose();
        Files.createDirectories(images.resolve(label));
        ImageIO.write(img, "png", images.resolve(label + "/" + i + ".png").toFile());
      }
    }
    String spec =
        """
        name: aug
        device: cpu
        epochs: 2
        dataset: {plugin: image-folder, folder: %s, size: 6, batchSize: 4, resize: 8, normalize: true,
                  augment: {crop: 2, flip: true}, mixup: 0.4}
        model: {plugin: cnn, blocks: 1, channels: 4, hidden: 8}
        optimizer: {plugin: adam, lr: 0.01}
        loss: {plugin: softmax-cross-entropy, labelSmoothing: 0.1}
        """
            .formatted(images);
    var run = runs.train(spec, "aug");
    assertThat(run.series("epoch/train_loss")).hasSize(2).allMatch(Double::isFinite);
    assertThat(run.params).containsKeys("dataset.normalize.mean", "dataset.normalize.std");
    var again = runs.train(spec, "aug2");
    assertThat(again.series("epoch/train_loss")).isEqualTo(run.series("epoch/train_loss"));
  }
}
