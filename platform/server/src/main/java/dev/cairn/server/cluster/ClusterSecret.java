package dev.cairn.server.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret a head and its workers share. It never travels and is never logged; what it yields:
 * the Hazelcast cluster name (a member with another secret computes another name and is not
 * admitted), and the key of the HMAC-SHA256 every event-bus message between members carries (see
 * {@link ClusterMessageAuth}). Both come from one PBKDF2 stretch of the secret, so a cluster name
 * seen on the network does not let anyone test guesses of the secret quickly.
 */
public final class ClusterSecret {
  /** Where the secret may come from when no file is given. */
  public static final String ENV = "CAIRN_CLUSTER_SECRET";

  public static final int MIN_LENGTH = 16;
  private static final byte[] SALT = "cairn cluster secret v1".getBytes(StandardCharsets.UTF_8);
  private static final int ITERATIONS = 210_000;

  private final String clusterName;
  private final byte[] macKey;

  private ClusterSecret(String secret) {
    if (secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the cluster secret has "
              + secret.length()
              + " characters; it needs at least "
              + MIN_LENGTH
              + " (make one with: openssl rand -base64 32)");
    }
    try {
      byte[] master =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
              .generateSecret(new PBEKeySpec(secret.toCharArray(), SALT, ITERATIONS, 256))
              .getEncoded();
      clusterName =
          "cairn-" + HexFormat.of().formatHex(hmac(master, "hazelcast cluster name"), 0, 16);
      macKey = hmac(master, "event bus message key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "this JVM lacks PBKDF2WithHmacSHA256 / HmacSHA256: " + e.getMessage(), e);
    }
  }

  public static ClusterSecret of(String secret) {
    return new ClusterSecret(secret.strip());
  }

  /** A fresh random secret, for clusters one process makes of its own children (cairn sweep). */
  public static String random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * The secret from {@code file} when given, else from {@value #ENV}; null when neither is set.
   *
   * @throws IllegalArgumentException naming the file or variable when it cannot be used
   */
  public static ClusterSecret resolve(Path file, String envValue) {
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--cluster-secret-file "
                + file
                + ": cannot read it ("
                + e.getClass().getSimpleName()
                + ")");
      }
      try {
        return of(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--cluster-secret-file " + file + ": " + e.getMessage());
      }
    }
    if (envValue != null && !envValue.isBlank()) {
      try {
        return of(envValue);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENV + ": " + e.getMessage());
      }
    }
    return null;
  }

  /**
   * True when every address is loopback (127.0.0.0/8, ::1, localhost): nothing off this machine can
   * reach it.
   */
  public static boolean allLoopback(List<String> hosts) {
    for (String h : hosts) {
      try {
        for (InetAddress a : InetAddress.getAllByName(h)) {
          if (!a.isLoopbackAddress()) {
            return false;
          }
        }
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return true;
  }

  public String clusterName() {
    return clusterName;
  }

  /** HMAC-SHA256 of {@code parts} (each length-prefixed, so no two lists give the same input). */
  byte[] mac(byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      for (byte[] p : parts) {
        mac.update(
            new byte[] {
              (byte) (p.length >>> 24),
              (byte) (p.length >>> 16),
              (byte) (p.length >>> 8),
              (byte) p.length
            });
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of a received MAC with the expected one. */
  static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  private static byte[] hmac(byte[] key, String label) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return "ClusterSecret[hidden]";
  }
}
