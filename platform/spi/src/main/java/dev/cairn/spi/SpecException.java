package dev.cairn.spi;

/**
 * A spec or parameter value that is not allowed. The message names the field (a dotted path such as
 * {@code optimizer.lr}), the bad value and what is allowed.
 */
public class SpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public SpecException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** Dotted path of the offending field. */
  public String field() {
    return field;
  }
}
