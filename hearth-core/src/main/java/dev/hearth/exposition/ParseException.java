package dev.hearth.exposition;

/**
 * Malformed exposition text, thrown by {@link ExpositionParser}. Unchecked, so that parsing a
 * {@code String} needs no {@code try}; I/O failures of a stream are reported separately as
 * {@link java.io.IOException}.
 *
 * <p>The message starts with the 1-based line number: {@code line 3: expected '}' or ',' after
 * label value, got 'x'}.
 */
public final class ParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int lineNumber;

  /** An error at 1-based {@code lineNumber}; the message gets the {@code "line N: "} prefix. */
  public ParseException(int lineNumber, String message) {
    super("line " + lineNumber + ": " + message);
    this.lineNumber = lineNumber;
  }

  /** The 1-based line number where the input was found malformed. */
  public int lineNumber() {
    return lineNumber;
  }
}
