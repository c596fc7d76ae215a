package io.serenity.p2p.core;

/**
 * Multibase text (github.com/multiformats/multibase): a one-character prefix naming the encoding, then the
 * encoded bytes. Only the two encodings libp2p peer ids use are supported; any other prefix is rejected.
 *
 * <pre>{@code
 * String s = Multibase.encode(Multibase.Encoding.BASE32, bytes);   // "b..."
 * byte[] back = Multibase.decode(s);
 * }</pre>
 */
public final class Multibase {
  /** Supported multibase encodings with their prefix character. */
  public enum Encoding {
    /** base58btc, prefix {@code z}. */
    BASE58BTC('z'),
    /** RFC 4648 base32, lower case, no padding, prefix {@code b}. */
    BASE32('b');

    private final char prefix;

    Encoding(char prefix) {
      this.prefix = prefix;
    }

    /** {@return the multibase prefix character} */
    public char prefix() {
      return prefix;
    }
  }

  private Multibase() {}

  /**
   * Encodes {@code data} with the prefix of {@code encoding}.
   *
   * @param encoding the base to use
   * @param data the bytes
   * @return the prefix followed by the encoded bytes
   */
  public static String encode(Encoding encoding, byte[] data) {
    return switch (encoding) {
      case BASE58BTC -> encoding.prefix + Base58.encode(data);
      case BASE32 -> encoding.prefix + Base32.encode(data);
    };
  }

  /**
   * The encoding named by the prefix of {@code text}.
   *
   * @param text multibase text
   * @return its encoding
   * @throws FormatException if the text is empty or the prefix is not supported
   */
  public static Encoding encodingOf(String text) {
    if (text.isEmpty()) {
      throw new FormatException("empty multibase text");
    }
    char p = text.charAt(0);
    for (Encoding e : Encoding.values()) {
      if (e.prefix == p) {
        return e;
      }
    }
    throw new FormatException("unsupported multibase prefix '" + printable(p) + "'");
  }

  /**
   * Decodes multibase text.
   *
   * @param text multibase text
   * @return the bytes
   * @throws FormatException if the prefix is unknown or the body is not valid for its encoding
   */
  public static byte[] decode(String text) {
    Encoding e = encodingOf(text);
    String body = text.substring(1);
    return switch (e) {
      case BASE58BTC -> Base58.decode(body);
      case BASE32 -> Base32.decode(body);
    };
  }

  static String printable(char c) {
    return c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }
}
