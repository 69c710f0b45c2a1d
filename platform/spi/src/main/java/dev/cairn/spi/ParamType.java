package dev.cairn.spi;

/** The value types a plugin parameter can have. */
public enum ParamType {
  INT("integer"),
  DOUBLE("number"),
  BOOLEAN("boolean"),
  STRING("string"),
  /**
   * A file or folder the plugin reads. Like {@link #STRING} for the plugin ({@code getString}); a
   * server accepts only paths under its data roots.
   */
  PATH("path"),
  CHOICE("one of the listed values"),
  INT_LIST("list of integers"),
  DOUBLE_LIST("list of numbers");

  private final String label;

  ParamType(String label) {
    this.label = label;
  }

  /** Human-readable name used in error messages. */
  public String label() {
    return label;
  }
}
