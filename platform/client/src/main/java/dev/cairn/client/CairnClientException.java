package dev.cairn.client;

/** A request the server refused (4xx, with its message) or could not be reached for. */
public final class CairnClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public CairnClientException(int status, String message) {
    super(message);
    this.status = status;
  }

  public CairnClientException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
  }

  /** The HTTP status, or -1 when no answer came. */
  public int status() {
    return status;
  }
}
