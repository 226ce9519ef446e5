package dev.hearth.httpserver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/** Checks an {@code Authorization} header against Basic credentials or a bearer token. */
final class Credentials {
  private final String scheme; // "Basic" or "Bearer"
  private final byte[] expectedHash;
  private final String challenge;

  private Credentials(String scheme, byte[] secret, String challenge) {
    this.scheme = scheme;
    this.expectedHash = sha256(secret);
    this.challenge = challenge;
  }

  static Credentials basic(String username, String password) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a Basic auth username must not contain ':'");
    }
    return new Credentials("Basic", (username + ":" + password).getBytes(StandardCharsets.UTF_8),
        "Basic realm=\"metrics\", charset=\"UTF-8\"");
  }

  static Credentials bearer(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException("a bearer token must be non-empty printable ASCII without spaces");
    }
    return new Credentials("Bearer", token.getBytes(StandardCharsets.US_ASCII),
        "Bearer realm=\"metrics\"");
  }

  /** The {@code WWW-Authenticate} value sent with 401. */
  String challenge() {
    return challenge;
  }

  /** True when {@code header} carries the expected credentials; compared in constant time. */
  boolean accepts(String header) {
    if (header == null || header.length() > 8192) {
      return false;
    }
    String h = header.trim();
    int sp = h.indexOf(' ');
    if (sp < 0 || !h.substring(0, sp).equalsIgnoreCase(scheme)) {
      return false;
    }
    String value = h.substring(sp + 1).trim();
    byte[] given;
    if (scheme.equals("Basic")) {
      try {
        given = Base64.getDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        return false;
      }
    } else {
      given = value.getBytes(StandardCharsets.UTF_8);
    }
    return MessageDigest.isEqual(expectedHash, sha256(given));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
