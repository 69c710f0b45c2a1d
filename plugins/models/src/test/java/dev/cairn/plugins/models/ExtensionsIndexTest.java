package dev.cairn.plugins.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.ModelProvider;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

/** PF4J finds extensions through the index its annotation processor writes at compile time. */
class ExtensionsIndexTest {
  @Test
  void everyModelIsIndexedAndInstantiable() throws Exception {
    // incremental compiles can repeat lines (the processor merges with the old index): harmless to
    // PF4J
    List<String> indexed = readIndex().stream().distinct().toList();
    assertThat(indexed)
        .containsExactlyInAnyOrder(
            LinearModel.class.getName(),
            SoftmaxRegressionModel.class.getName(),
            MlpModel.class.getName(),
            PerceptronModel.class.getName(),
            SumOfSigmoidsModel.class.getName(),
            LeNetModel.class.getName(),
            CnnModel.class.getName(),
            CifarQuickModel.class.getName(),
            AlexNetModel.class.getName(),
            VggModel.class.getName(),
            NinModel.class.getName(),
            ResNetModel.class.getName(),
            RecurrentModel.class.getName(),
            MatrixFactorizationModel.class.getName(),
            QuadraticBowlModel.class.getName());
    for (String name : indexed) {
      Class<?> type = Class.forName(name);
      assertThat(type.isAnnotationPresent(Extension.class)).isTrue();
      ModelProvider provider = (ModelProvider) type.getConstructor().newInstance();
      assertThat(provider.id()).matches("[a-z0-9]+(-[a-z0-9]+)*");
      assertThat(provider.description()).isNotBlank();
    }
  }

  /**
   * The index next to this module's classes (other jars on the test classpath may have one too).
   */
  private static List<String> readIndex() throws Exception {
    URL classes = LinearModel.class.getProtectionDomain().getCodeSource().getLocation();
    Path index = Path.of(classes.toURI()).resolve("META-INF/extensions.idx");
    return Files.readAllLines(index).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .toList();
  }
}
