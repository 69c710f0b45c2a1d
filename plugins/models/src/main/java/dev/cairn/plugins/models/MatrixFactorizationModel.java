package dev.cairn.plugins.models;

import ai.djl.nn.Block;
import dev.cairn.spi.ModelContext;
import dev.cairn.spi.ModelProvider;
import dev.cairn.spi.ParamSpec;
import dev.cairn.spi.Params;
import dev.cairn.spi.SpecException;
import dev.cairn.spi.Task;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;

/**
 * Dot-product collaborative filtering: each user and each item gets an embedding of {@code factors}
 * values (and a bias), and a rating is predicted as {@code pᵤ·qᵢ + bᵤ + bᵢ + b}. Examples are
 * {@code [user, item]} index pairs as the {@code ratings} dataset gives them; {@code users} and
 * {@code items} must cover its indices (its defaults match the dataset's).
 */
@Extension
public class MatrixFactorizationModel implements ModelProvider {

  @Override
  public String id() {
    return "matrix-factorization";
  }

  @Override
  public String description() {
    return "collaborative filtering: rating = user . item embeddings + user, item and global bias";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of(
        ParamSpec.ofInt("users", 100, "number of users (embedding rows)").greaterThan(0),
        ParamSpec.ofInt("items", 80, "number of items (embedding rows)").greaterThan(0),
        ParamSpec.ofInt("factors", 8, "embedding size").greaterThan(0),
        ParamSpec.ofBoolean("biases", true, "user, item and global bias terms"),
        ParamSpec.ofDouble("initStd", 0.01, "standard deviation of the initial embeddings")
            .greaterThan(0));
  }

  @Override
  public Block build(Params params, ModelContext context) {
    long[] shape = context.dataset().inputShape();
    if (shape.length != 1 || shape[0] != 2 || context.dataset().task() != Task.REGRESSION) {
      throw new SpecException(
          "model",
          "'matrix-factorization' predicts ratings from [user, item] pairs, but the dataset gives "
              + context.dataset().task().name().toLowerCase()
              + " examples of shape "
              + Arrays.toString(shape)
              + "; use the 'ratings' dataset");
    }
    return new DotProductBlock(
        params.getInt("users"),
        params.getInt("items"),
        params.getInt("factors"),
        params.getBoolean("biases"),
        params.getFloat("initStd"));
  }
}
