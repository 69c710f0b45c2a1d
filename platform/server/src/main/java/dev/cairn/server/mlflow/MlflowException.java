package dev.cairn.server.mlflow;

/**
 * An MLflow error: its {@code error_code}, the HTTP status MLflow answers it with, and a message.
 */
final class MlflowException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String errorCode;
  private final int status;

  MlflowException(String errorCode, int status, String message) {
    super(message);
    this.errorCode = errorCode;
    this.status = status;
  }

  static MlflowException invalid(String message) {
    return new MlflowException("INVALID_PARAMETER_VALUE", 400, message);
  }

  static MlflowException exists(String message) {
    return new MlflowException("RESOURCE_ALREADY_EXISTS", 400, message);
  }

  static MlflowException missing(String message) {
    return new MlflowException("RESOURCE_DOES_NOT_EXIST", 404, message);
  }

  String errorCode() {
    return errorCode;
  }

  int status() {
    return status;
  }
}
