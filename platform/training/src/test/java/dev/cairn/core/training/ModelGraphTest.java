package dev.cairn.core.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model graph the dashboard's Graph view shows. */
class ModelGraphTest {
  @Test
  void lambdaBlocksAreNamedByWhatTheyDo() throws Exception {
    SequentialBlock net =
        new SequentialBlock()
            .add(Pool.maxPool2dBlock(new Shape(2, 2)))
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(4).build())
            .add(Activation.reluBlock())
            .add(new LambdaBlock(x -> x));
    JsonNode root = new ObjectMapper().readTree(ModelGraph.toJson(net));
    List<String> types = new ArrayList<>();
    root.findValues("type").forEach(t -> types.add(t.asText()));
    // not five times LambdaBlock: pooling, flatten and ReLU by DJL's names; an unnamed lambda stays
    // LambdaBlock
    assertThat(types)
        .containsExactly(
            "SequentialBlock", "maxPool2d", "batchFlatten", "Linear", "ReLU", "LambdaBlock");
  }
}
