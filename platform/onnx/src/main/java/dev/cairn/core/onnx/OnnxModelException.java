package dev.cairn.core.onnx;

/**
 * A problem with a model or a request for it that is safe to show a user: the message names what is
 * wrong and what is allowed. The reason lets a server pick its status code.
 */
public class OnnxModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of problem it is. */
  public enum Reason {
    /** No such model, run or artifact. */
    NOT_FOUND,
    /** The file is not an ONNX model ONNX Runtime can load (malformed, truncated, other format). */
    INVALID_MODEL,
    /** An input (tensor, image, dataset) does not fit the model. */
    BAD_INPUT,
    /** The run cannot be exported (not finished, no saved model). */
    NOT_EXPORTABLE,
    /** An execution provider that was asked for cannot be used here. */
    PROVIDER_UNAVAILABLE
  }

  private final Reason reason;

  public OnnxModelException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public OnnxModelException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
