package dev.cairn.spi.onnx;

/**
 * An export that cannot be written or did not verify. The message says what failed and, where it
 * can, what to change: the block with no converter and the plugin that provided it, the setting an
 * operator cannot express, or the numbers of a failed verification.
 */
public class OnnxExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OnnxExportException(String message) {
    super(message);
  }

  public OnnxExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
