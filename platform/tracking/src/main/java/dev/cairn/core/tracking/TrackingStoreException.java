package dev.cairn.core.tracking;

/** The tracking store could not do what was asked: the database failed or could not be opened. */
public class TrackingStoreException extends RuntimeException {
  public TrackingStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
