package dev.cairn.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
  private static final List<ParamSpec> SPECS =
      List.of(
          ParamSpec.ofDouble("lr", 0.1, "learning rate").greaterThan(0),
          ParamSpec.ofInt("units", null, "hidden units").atLeast(1),
          ParamSpec.ofIntList("hidden", List.of(256), "layer sizes").atLeast(1),
          ParamSpec.ofChoice("activation", "relu", List.of("relu", "tanh", "sigmoid"), ""),
          ParamSpec.ofBoolean("bias", true, ""),
          ParamSpec.ofDouble("dropout", 0.0, "").atLeast(0).atMost(0.99));

  @Test
  void fillsDefaultsAndConvertsTypes() {
    Params p =
        Params.validate("model", SPECS, Map.of("units", 4, "lr", 1, "hidden", List.of(8, 4)));
    assertThat(p.getDouble("lr")).isEqualTo(1.0);
    assertThat(p.getInt("units")).isEqualTo(4);
    assertThat(p.getIntList("hidden")).containsExactly(8, 4);
    assertThat(p.getString("activation")).isEqualTo("relu");
    assertThat(p.getBoolean("bias")).isTrue();
    assertThat(p.asMap().keySet())
        .containsExactly("lr", "units", "hidden", "activation", "bias", "dropout");
  }

  @Test
  void errorsNameFieldValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> Params.validate("optimizer", SPECS, Map.of("units", 1, "lr", -0.1)))
        .isInstanceOf(SpecException.class)
        .hasMessage("optimizer.lr: -0.1 is not allowed; expected a number > 0");
    assertThatThrownBy(() -> Params.validate("model", SPECS, Map.of()))
        .hasMessage("model.units: missing; expected an integer >= 1");
    assertThatThrownBy(
            () -> Params.validate("model", SPECS, Map.of("units", 2, "activaton", "tanh")))
        .hasMessageStartingWith(
            "model.activaton: unknown parameter; did you mean 'activation'? allowed: lr, units");
    assertThatThrownBy(
            () -> Params.validate("model", SPECS, Map.of("units", 2, "activation", "rellu")))
        .hasMessage(
            "model.activation: 'rellu' is not allowed (did you mean 'relu'?); one of: relu, tanh, sigmoid");
    assertThatThrownBy(() -> Params.validate("model", SPECS, Map.of("units", 2.5)))
        .hasMessage("model.units: 2.5 is not allowed; expected an integer >= 1");
    // integers beyond 32 bits are errors naming the range, never wrapped around
    assertThatThrownBy(() -> Params.validate("model", SPECS, Map.of("units", 1_000_000_000_000L)))
        .isExactlyInstanceOf(SpecException.class)
        .hasMessage(
            "model.units: 1000000000000 is not allowed; expected an integer >= 1 and <= 2147483647");
    assertThatThrownBy(
            () ->
                Params.validate(
                    "model", SPECS, Map.of("units", new BigInteger("99999999999999999999999"))))
        .hasMessage(
            "model.units: 99999999999999999999999 is not allowed; expected an integer >= 1 and <= 2147483647");
    assertThatThrownBy(() -> Params.validate("model", SPECS, Map.of("units", 2e9 * 2)))
        .hasMessage(
            "model.units: 4.0E9 is not allowed; expected an integer >= 1 and <= 2147483647");
    assertThatThrownBy(
            () -> Params.validate("model", SPECS, Map.of("units", 2, "hidden", List.of(3, 1e30))))
        .hasMessage(
            "model.hidden: 1.0E30 is not allowed; expected a list of integers >= 1 and <= 2147483647");
    assertThatThrownBy(
            () -> Params.validate("model", SPECS, Map.of("units", 2, "hidden", List.of(3, 0))))
        .hasMessage("model.hidden: 0 is not allowed; expected a list of integers >= 1");
    assertThatThrownBy(() -> Params.validate("model", SPECS, Map.of("units", 2, "dropout", 1.5)))
        .hasMessage("model.dropout: 1.5 is not allowed; expected a number >= 0 and <= 0.99");
    assertThatThrownBy(() -> Params.validate("model", SPECS, Map.of("units", 2, "bias", "yes")))
        .hasMessage("model.bias: 'yes' is not allowed; expected a boolean");
  }

  @Test
  void suggestionsNeedCloseNames() {
    assertThat(Suggest.closest("mlpp", List.of("linear", "mlp"))).contains("mlp");
    assertThat(Suggest.closest("resnet", List.of("linear", "mlp"))).isEmpty();
  }
}
