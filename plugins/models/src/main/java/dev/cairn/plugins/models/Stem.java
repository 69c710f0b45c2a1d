package dev.cairn.plugins.models;

import dev.cairn.spi.ParamSpec;
import java.util.List;

/**
 * How the ImageNet networks (AlexNet, NiN, ResNet) treat their first layers. {@code large} is the
 * published stem for 224-pixel images (AlexNet's and NiN's 11×11 stride-4 convolution, ResNet's 7×7
 * stride-2 convolution and max-pool), which shrinks the image fast; {@code small} replaces it with
 * a 3×3 stride-1 convolution so that 28–64 pixel images keep enough resolution; {@code auto} picks
 * {@code large} from 96 pixels up.
 */
enum Stem {
  LARGE,
  SMALL;

  static final int AUTO_LARGE_FROM = 96;

  static ParamSpec param() {
    return ParamSpec.ofChoice(
        "stem",
        "auto",
        List.of("auto", "large", "small"),
        "first layers: large = the published ImageNet stem, small = 3x3 stride 1 for 28-64 px;"
            + " auto = large from "
            + AUTO_LARGE_FROM
            + " px");
  }

  static Stem choose(String value, FeatureMap map) {
    switch (value) {
      case "large":
        return LARGE;
      case "small":
        return SMALL;
      default:
        return map.side() >= AUTO_LARGE_FROM ? LARGE : SMALL;
    }
  }
}
