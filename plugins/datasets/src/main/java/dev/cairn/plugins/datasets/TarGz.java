package dev.cairn.plugins.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Unpacks chosen files from a gzipped tar archive: only regular files whose base name is in the
 * wanted set, written flat into the target folder (so no entry can write outside it). Each file
 * goes to a temporary name first and is moved into place once complete.
 */
final class TarGz {
  private static final int BLOCK = 512;

  private TarGz() {}

  static void extract(Path archive, Path target, Collection<String> wanted) throws IOException {
    Files.createDirectories(target);
    String name = archive.getFileName().toString();
    try (InputStream in =
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16))) {
      byte[] header = new byte[BLOCK];
      while (true) {
        if (in.readNBytes(header, 0, BLOCK) < BLOCK) {
          throw new IOException(name + ": truncated tar archive");
        }
        if (isZero(header)) {
          return;
        }
        String entry = text(header, 0, 100);
        String prefix = text(header, 345, 155);
        String path = prefix.isEmpty() ? entry : prefix + "/" + entry;
        long size = octal(header, 124, 12, name);
        char type = (char) header[156];
        String base = path.substring(path.lastIndexOf('/') + 1);
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        if ((type == '0' || type == 0) && wanted.contains(base)) {
          Path part = target.resolve(base + ".part");
          try (OutputStream out = Files.newOutputStream(part)) {
            copy(in, out, size, name);
          }
          Files.move(part, target.resolve(base), StandardCopyOption.REPLACE_EXISTING);
          skip(in, padded - size, name);
        } else {
          skip(in, padded, name);
        }
      }
    } catch (ZipException e) {
      throw new IOException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
    }
  }

  private static void copy(InputStream in, OutputStream out, long size, String name)
      throws IOException {
    byte[] buffer = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException(name + ": truncated tar entry");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, long bytes, String name) throws IOException {
    long left = bytes;
    while (left > 0) {
      long n = in.skip(left);
      if (n <= 0) {
        if (in.read() < 0) {
          throw new IOException(name + ": truncated tar archive");
        }
        n = 1;
      }
      left -= n;
    }
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.US_ASCII).trim();
  }

  private static long octal(byte[] b, int off, int len, String name) throws IOException {
    String s = text(b, off, len);
    try {
      return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new IOException(name + ": bad tar header (size '" + s + "')");
    }
  }
}
