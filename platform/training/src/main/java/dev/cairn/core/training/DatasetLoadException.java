package dev.cairn.core.training;

import java.io.IOException;

/**
 * A dataset plugin could not load its data: files missing, unreadable or malformed, or a download
 * that failed. The plugin's message says what it tried and how to fix it; it is the user's data,
 * not a bug, so callers show the message alone and keep the stack trace for debug logs.
 */
public final class DatasetLoadException extends IOException {
  private static final long serialVersionUID = 1L;

  DatasetLoadException(IOException cause) {
    super(cause.getMessage(), cause);
  }
}
