package dev.cairn.core.training;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The model graph for the dashboard: an initialized DJL block tree as JSON, each node with its
 * type, input and output shapes, its own parameters (name, shape, size) and the parameter count of
 * its subtree. Shapes a block cannot report are left out rather than failing the run.
 */
public final class ModelGraph {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelGraph() {}

  public static String toJson(Block block) {
    ObjectNode root = node("model", block);
    return root.toString();
  }

  /**
   * A block's type: its class, except for DJL's LambdaBlock, which stands for ReLU, pooling,
   * flatten and more: those are told apart by the name DJL gives them (ReLU, maxPool2d,
   * batchFlatten).
   */
  static String type(Block block) {
    if (block instanceof LambdaBlock lambda
        && lambda.getName() != null
        && !lambda.getName().isBlank()
        && !lambda.getName().equals("anonymous")) {
      return lambda.getName();
    }
    return block.getClass().getSimpleName();
  }

  private static ObjectNode node(String name, Block block) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", name);
    n.put("type", type(block));
    Shape[] in = null;
    try {
      in = block.getInputShapes();
      n.set("inputShapes", shapes(in));
    } catch (RuntimeException notInitialized) {
      // left out
    }
    if (in != null) {
      try {
        n.set("outputShapes", shapes(block.getOutputShapes(in)));
      } catch (RuntimeException e) {
        // left out
      }
    }
    ArrayNode params = n.putArray("parameters");
    long own = 0;
    for (Pair<String, Parameter> p : block.getDirectParameters()) {
      ObjectNode pn = params.addObject();
      pn.put("name", p.getKey());
      Parameter param = p.getValue();
      if (param.isInitialized()) {
        Shape s = param.getArray().getShape();
        pn.set("shape", shape(s));
        pn.put("size", s.size());
        own += s.size();
      }
    }
    long total = own;
    ArrayNode children = n.putArray("children");
    for (Pair<String, Block> child : block.getChildren()) {
      ObjectNode c = node(child.getKey(), child.getValue());
      total += c.get("totalParameters").asLong();
      children.add(c);
    }
    n.put("ownParameters", own);
    n.put("totalParameters", total);
    return n;
  }

  private static ArrayNode shapes(Shape[] shapes) {
    ArrayNode a = JSON.createArrayNode();
    for (Shape s : shapes) {
      a.add(shape(s));
    }
    return a;
  }

  private static ArrayNode shape(Shape s) {
    ArrayNode a = JSON.createArrayNode();
    for (long d : s.getShape()) {
      a.add(d);
    }
    return a;
  }
}
