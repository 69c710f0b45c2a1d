package dev.cairn.core.security;

/** A token just created: the only moment its plain text exists. */
public record IssuedToken(TokenInfo info, String token) {
  @Override
  public String toString() {
    return "IssuedToken[" + info.name() + "]"; // never the token itself
  }
}
