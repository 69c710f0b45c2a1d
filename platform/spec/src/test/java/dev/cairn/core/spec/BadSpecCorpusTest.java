package dev.cairn.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.spi.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated corpus of bad specs: every integer field of a spec crossed with values that do not
 * fit it (too large for an int or a long, fractional, text, lists, sections, infinities), plus
 * duplicate keys. Each must be one {@link SpecException} naming the field, never a wrapped-around
 * number, a saturated {@code Long.MAX_VALUE} or another exception type.
 */
class BadSpecCorpusTest {
  /** Field name, and the spec with {@code VALUE} where the bad value goes. */
  private static final List<String[]> INT_FIELDS =
      List.of(
          new String[] {"seed", "seed: VALUE\nepochs: 1\n" + rest()},
          new String[] {"epochs", "epochs: VALUE\n" + rest()},
          new String[] {"logging.everySteps", "epochs: 1\nlogging: {everySteps: VALUE}\n" + rest()},
          new String[] {
            "logging.histogramsEveryEpochs",
            "epochs: 1\nlogging: {histogramsEveryEpochs: VALUE}\n" + rest()
          },
          new String[] {
            "logging.imagesEveryEpochs", "epochs: 1\nlogging: {imagesEveryEpochs: VALUE}\n" + rest()
          },
          new String[] {
            "dataset.batchSize",
            "epochs: 1\n"
                + rest().replace("dataset: xor", "dataset: {plugin: xor, batchSize: VALUE}")
          },
          new String[] {
            "dataset.subset",
            "epochs: 1\n" + rest().replace("dataset: xor", "dataset: {plugin: xor, subset: VALUE}")
          },
          new String[] {
            "dataset.folds",
            "epochs: 1\n" + rest().replace("dataset: xor", "dataset: {plugin: xor, folds: VALUE}")
          },
          new String[] {
            "dataset.resize",
            "epochs: 1\n" + rest().replace("dataset: xor", "dataset: {plugin: xor, resize: VALUE}")
          },
          new String[] {
            "dataset.augment.crop",
            "epochs: 1\n"
                + rest().replace("dataset: xor", "dataset: {plugin: xor, augment: {crop: VALUE}}")
          },
          new String[] {
            "dataset.classes",
            "epochs: 1\n"
                + rest().replace("dataset: xor", "dataset: {plugin: xor, classes: [0, VALUE]}")
          },
          new String[] {
            "training.accumulate", "epochs: 1\ntraining: {accumulate: VALUE}\n" + rest()
          },
          new String[] {
            "training.checkpointEvery", "epochs: 1\ntraining: {checkpointEvery: VALUE}\n" + rest()
          },
          new String[] {
            "training.keepCheckpoints", "epochs: 1\ntraining: {keepCheckpoints: VALUE}\n" + rest()
          },
          new String[] {"training.topK", "epochs: 1\ntraining: {topK: VALUE}\n" + rest()},
          new String[] {
            "training.earlyStopping.patience",
            "epochs: 1\ntraining: {earlyStopping: {patience: VALUE}}\n" + rest()
          });

  /** Values no integer field takes. The seed takes any long, so it gets only the first group. */
  private static final List<String> NOT_A_LONG =
      List.of(
          "99999999999999999999999",
          "-99999999999999999999999",
          "1e30",
          "-1e30",
          "9223372036854775808",
          "-9223372036854775809",
          "1.5",
          "'12'",
          "abc",
          "[1]",
          "{a: 1}",
          "true",
          "null0",
          "0x7fffffffffffffffff");

  private static final List<String> NOT_AN_INT =
      List.of("2147483648", "1000000000000", "-2147483649", "4e9", "9223372036854775807");

  static Stream<Arguments> corpus() {
    List<Arguments> out = new ArrayList<>();
    for (String[] f : INT_FIELDS) {
      for (String v : NOT_A_LONG) {
        out.add(Arguments.of(f[0], f[1].replace("VALUE", v)));
      }
      if (!f[0].equals("seed")) {
        for (String v : NOT_AN_INT) {
          out.add(Arguments.of(f[0], f[1].replace("VALUE", v)));
        }
      }
    }
    for (String line :
        List.of(
            "epochs: 3\n", "dataset: xor\n", "model: mlp\n", "optimizer: adam\n", "loss: l2\n")) {
      out.add(Arguments.of("spec", "epochs: 1\n" + rest() + line));
    }
    out.add(Arguments.of("spec", "seed: 1\nname: a\nseed: 2\nepochs: 1\n" + rest()));
    out.add(Arguments.of("spec", "name: a\nname: b\nepochs: 1\n" + rest()));
    out.add(
        Arguments.of(
            "spec",
            "epochs: 1\n"
                + rest()
                    .replace(
                        "dataset: xor", "dataset: {plugin: xor, batchSize: 2, batchSize: 4}")));
    out.add(Arguments.of("spec", "epochs: 1\ntraining: {topK: 1, topK: 2}\n" + rest()));
    // Jackson's YAML reader does not take YAML's .inf and .nan: a syntax error with its position
    for (String v : List.of(".inf", "-.inf", ".nan")) {
      out.add(Arguments.of("spec", "epochs: " + v + "\n" + rest()));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("corpus")
  void everyBadSpecIsOneSpecExceptionNamingTheField(String field, String spec) {
    Throwable t = catchThrowable(() -> SpecParser.parseAll(spec, "bad"));
    assertThat(t).as(spec).isExactlyInstanceOf(SpecException.class);
    SpecException e = (SpecException) t;
    assertThat(e.field()).as(spec + " -> " + e.getMessage()).startsWith(field);
    assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
    if (field.equals("spec")) {
      assertThat(e.getMessage())
          .as(spec)
          .containsAnyOf("Duplicate field", "not valid YAML at line 1");
    } else {
      assertThat(e.getMessage()).as(spec).contains("is not allowed; expected");
    }
  }

  @Test
  void theCorpusIsLargeAndValidNumbersStillParse() {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(100);
    ExperimentSpec s =
        SpecParser.parse("seed: 9223372036854775807\nepochs: 2147483647\n" + rest(), "ok");
    assertThat(s.seed()).isEqualTo(Long.MAX_VALUE);
    assertThat(s.epochs()).isEqualTo(Integer.MAX_VALUE);
    assertThat(SpecParser.parse("seed: -9223372036854775808\nepochs: 1e3\n" + rest(), "ok").seed())
        .isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void outOfRangeNamesTheRange() {
    Throwable t =
        catchThrowable(() -> SpecParser.parse("epochs: 99999999999999999999999\n" + rest(), "x"));
    assertThat(t)
        .hasMessage(
            "epochs: 99999999999999999999999 is not allowed; expected an integer >= 1"
                + " and <= 2147483647");
    t = catchThrowable(() -> SpecParser.parse("seed: 1e30\nepochs: 1\n" + rest(), "x"));
    assertThat(t).hasMessageStartingWith("seed: ").hasMessageContaining("<= 9223372036854775807");
  }

  private static String rest() {
    return "dataset: xor\nmodel: mlp\noptimizer: sgd\nloss: l2\n";
  }
}
