package io.serenity.p2p.discv5.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A packet header, unmasked (discv5-wire.md, "Protocol Header"): the 23-byte static header
 * {@code "discv5" || 0x0001 || flag || nonce || authdata-size} followed by the authdata.
 *
 * @param nonce the 12-byte message nonce; in a WHOAREYOU, the nonce of the packet it answers
 * @param authdata the flag-specific part, which also fixes the flag
 */
public record Header(byte[] nonce, Authdata authdata) {

  /** The protocol id, ASCII {@code discv5}. */
  public static final byte[] PROTOCOL_ID = "discv5".getBytes(StandardCharsets.US_ASCII);
  /** Protocol version 1 (discv5.1). */
  public static final int VERSION = 1;
  /** Size of the static header. */
  public static final int STATIC_SIZE = 23;
  /** Size of the nonce. */
  public static final int NONCE_SIZE = 12;

  /** Checks and copies the nonce. */
  public Header {
    if (nonce.length != NONCE_SIZE) {
      throw new IllegalArgumentException("nonce must be 12 bytes, got " + nonce.length);
    }
    if (authdata == null) {
      throw new IllegalArgumentException("authdata is required");
    }
    nonce = nonce.clone();
  }

  /** {@return a copy of the nonce} */
  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  /** {@return the packet kind, from the authdata} */
  public Flag flag() {
    return authdata.flag();
  }

  /** {@return the static header followed by the authdata, before masking} */
  public byte[] encode() {
    byte[] auth = authdata.encode();
    return ByteBuffer.allocate(STATIC_SIZE + auth.length)
        .put(PROTOCOL_ID)
        .putShort((short) VERSION)
        .put((byte) flag().value())
        .put(nonce)
        .putShort((short) auth.length)
        .put(auth)
        .array();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Header h && Arrays.equals(nonce, h.nonce) && authdata.equals(h.authdata);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(nonce) + authdata.hashCode();
  }

  @Override
  public String toString() {
    return "Header[nonce=" + HexFormat.of().formatHex(nonce) + ", authdata=" + authdata + "]";
  }
}
