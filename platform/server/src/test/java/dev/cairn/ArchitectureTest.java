package dev.cairn;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module map in README.md, checked over the built classes of every module on this test's
 * classpath (spi, spec, tracking, training, onnx, sweep, server, client and the built-in plugins):
 * no package cycle, and each module imports only what its package-info says it may.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cairn");
  }

  @Test
  void everyModuleIsImported() {
    // a rule over classes that were never imported holds trivially: make sure they are all here
    Set<String> packages =
        classes.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
    assertThat(packages)
        .contains(
            "dev.cairn.spi",
            "dev.cairn.core",
            "dev.cairn.core.spec",
            "dev.cairn.core.plugins",
            "dev.cairn.core.tracking",
            "dev.cairn.core.tracking.internal",
            "dev.cairn.core.security",
            "dev.cairn.core.tensorboard",
            "dev.cairn.core.training",
            "dev.cairn.core.system",
            "dev.cairn.core.onnx",
            "dev.cairn.core.onnx.convert",
            "dev.cairn.core.sweep",
            "dev.cairn.server",
            "dev.cairn.server.http",
            "dev.cairn.server.sweep",
            "dev.cairn.client",
            "dev.cairn.plugins.models",
            "dev.cairn.plugins.datasets");
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.cairn.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void pluginsSeeOnlyTheSpi() {
    noClasses()
        .that()
        .resideInAPackage("dev.cairn.plugins..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.cairn.core..",
            "dev.cairn.server..",
            "dev.cairn.client..",
            "io.vertx..",
            "org.h2..")
        .check(classes);
  }

  @Test
  void spiDependsOnNoOtherModule() {
    noClasses()
        .that()
        .resideInAPackage("dev.cairn.spi..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.cairn.core..",
            "dev.cairn.server..",
            "dev.cairn.client..",
            "dev.cairn.plugins..",
            "io.vertx..",
            "org.h2..",
            "ai.djl.pytorch..")
        .check(classes);
  }

  @Test
  void clientUsesNeitherVertxNorDjlNorThePlatform() {
    noClasses()
        .that()
        .resideInAPackage("dev.cairn.client..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx..", "ai.djl..", "dev.cairn.core..", "dev.cairn.server..", "dev.cairn.spi..")
        .check(classes);
  }

  @Test
  void coreModulesUseNoVertxAndNoServer() {
    noClasses()
        .that()
        .resideInAPackage("dev.cairn.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "dev.cairn.server..", "dev.cairn.client..")
        .check(classes);
  }

  @Test
  void coreModulesImportOnlyTheModulesBelowThem() {
    // spec <- tracking (independent of spec) <- training <- onnx; sweep builds on spec and tracking
    mayNotUse(SPEC, TRACKING, TRAINING, ONNX, SWEEP);
    mayNotUse(TRACKING, SPEC, TRAINING, ONNX, SWEEP);
    mayNotUse(TRAINING, ONNX, SWEEP);
    mayNotUse(ONNX, SWEEP);
    mayNotUse(SWEEP, TRAINING, ONNX);
  }

  @Test
  void internalPackagesStayInsideTheirModule() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.cairn.core.tracking..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cairn.core.tracking.internal..")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.cairn.core.sweep..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cairn.core.sweep.internal..")
        .check(classes);
  }

  // the packages of each core module (see each module's package-info and README.md's module map)
  private static final String[] SPEC = {
    "dev.cairn.core", "dev.cairn.core.spec..", "dev.cairn.core.plugins.."
  };
  private static final String[] TRACKING = {
    "dev.cairn.core.tracking..", "dev.cairn.core.security..", "dev.cairn.core.tensorboard.."
  };
  private static final String[] TRAINING = {"dev.cairn.core.training..", "dev.cairn.core.system.."};
  private static final String[] ONNX = {"dev.cairn.core.onnx.."};
  private static final String[] SWEEP = {"dev.cairn.core.sweep.."};

  private static void mayNotUse(String[] module, String[]... others) {
    String[] forbidden = Arrays.stream(others).flatMap(Arrays::stream).toArray(String[]::new);
    noClasses()
        .that()
        .resideInAnyPackage(module)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .check(classes);
  }
}
