package dev.cairn.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming reader of JSON tensors: shapes, named inputs, and what it refuses. */
class TensorJsonTest {
  @Test
  void nestingIsTheShape() {
    TensorJson.Parsed p =
        TensorJson.parseRequest("[[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12.5]]]", "x")
            .get("x");
    assertThat(p.shape()).containsExactly(2, 3, 2);
    assertThat(p.values()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.5);
    assertThat(TensorJson.parseRequest("[true, false, -1e-3]", "x").get("x").values())
        .containsExactly(1, 0, -1e-3);
  }

  @Test
  void namedInputsAndOtherFields() {
    Map<String, TensorJson.Parsed> m =
        TensorJson.parseRequest(
            "{\"id\": {\"a\": [1]}, \"inputs\": {\"a\": [[1, 2]], \"b\": [3]}, \"more\": [[1]]}",
            "x");
    assertThat(m).containsOnlyKeys("a", "b");
    assertThat(m.get("a").shape()).containsExactly(1, 2);
    assertThat(TensorJson.parseRequest("{\"inputs\": [[1], [2]]}", "first").get("first").shape())
        .containsExactly(2, 1);
  }

  @Test
  void refusalsNameThePlace() {
    assertThatThrownBy(() -> TensorJson.parseRequest("[[1, 2], 3]", "x"))
        .hasMessageContaining(
            "input 'x' is ragged: x[1] is 3 where the first element at that depth is an array");
    assertThatThrownBy(() -> TensorJson.parseRequest("[1, [2]]", "x"))
        .hasMessageContaining("input 'x'[1] is an array, not a number");
    assertThatThrownBy(() -> TensorJson.parseRequest("[[1, null]]", "x"))
        .hasMessageContaining("input 'x'[0][1] is null, not a number");
    assertThatThrownBy(() -> TensorJson.parseRequest("[[1, {\"a\": 1}]]", "x"))
        .hasMessageContaining("is an object, not a number");
    assertThatThrownBy(() -> TensorJson.parseRequest("[[1], []]", "x"))
        .hasMessageContaining("is ragged");
    assertThat(TensorJson.parseRequest("[[], []]", "x").get("x").shape()).containsExactly(2, 0);
    assertThatThrownBy(() -> TensorJson.parseRequest("", "x"))
        .hasMessageContaining("the input is empty");
    assertThatThrownBy(() -> TensorJson.parseRequest("42", "x"))
        .hasMessageContaining("expected a nested array of numbers");
    assertThatThrownBy(() -> TensorJson.parseRequest("{\"inputs\": {\"a\": null}}", "x"))
        .hasMessageContaining("input 'a' must be a (nested) array of numbers, a number");
    assertThatThrownBy(() -> TensorJson.parseRequest("[1, 2", "x"))
        .hasMessageContaining("the input is not valid JSON");
  }
}
