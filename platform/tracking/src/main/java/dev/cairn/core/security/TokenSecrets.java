package dev.cairn.core.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Token text and its hash. Generation uses {@link SecureRandom}; hashing the JDK's
 * PBKDF2WithHmacSHA256 with a 16-byte random salt; comparison {@link MessageDigest#isEqual}
 * (constant time).
 */
public final class TokenSecrets {
  public static final String PREFIX = "cairn_";
  static final int ID_LENGTH = 12;
  static final int SECRET_LENGTH = 40;
  static final int ITERATIONS = 100_000;
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  static String random(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** The id part of a well-formed token, or null when {@code token} is not one. */
  public static String idOf(String token) {
    if (token == null
        || token.length() != PREFIX.length() + ID_LENGTH + SECRET_LENGTH
        || !token.startsWith(PREFIX)) {
      return null;
    }
    for (int i = PREFIX.length(); i < token.length(); i++) {
      if (ALPHABET.indexOf(token.charAt(i)) < 0) {
        return null;
      }
    }
    return token.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
  }

  static String secretOf(String token) {
    return token.substring(PREFIX.length() + ID_LENGTH);
  }

  static String hash(String secret) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "pbkdf2-sha256$"
        + ITERATIONS
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(pbkdf2(secret, salt, ITERATIONS));
  }

  static boolean matches(String secret, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
      return false;
    }
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] expected = b64.decode(parts[3]);
    byte[] actual = pbkdf2(secret, b64.decode(parts[2]), Integer.parseInt(parts[1]));
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
    } finally {
      spec.clearPassword();
    }
  }
}
