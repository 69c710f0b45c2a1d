package dev.cairn.core.tracking.internal;

import java.security.SecureRandom;

/** Short random run ids: 8 characters of [0-9a-z], about 2.8e12 values. */
public final class RunIds {
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int LENGTH = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunIds() {}

  public static String next() {
    char[] id = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }
}
