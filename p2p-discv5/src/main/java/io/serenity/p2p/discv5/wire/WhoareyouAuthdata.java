package io.serenity.p2p.discv5.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Authdata of a WHOAREYOU packet ({@code flag = 1}).
 *
 * @param idNonce 16 random bytes chosen by the challenger
 * @param enrSeq the sequence number of the challenged node's record known to the challenger, 0 if
 *     none (uint64, read as unsigned)
 */
public record WhoareyouAuthdata(byte[] idNonce, long enrSeq) implements Authdata {

  /** Size on the wire. */
  public static final int SIZE = 24;

  /** Checks and copies the id-nonce. */
  public WhoareyouAuthdata {
    if (idNonce.length != 16) {
      throw new IllegalArgumentException("id-nonce must be 16 bytes, got " + idNonce.length);
    }
    idNonce = idNonce.clone();
  }

  /** {@return a copy of the id-nonce} */
  @Override
  public byte[] idNonce() {
    return idNonce.clone();
  }

  @Override
  public Flag flag() {
    return Flag.WHOAREYOU;
  }

  @Override
  public byte[] encode() {
    return ByteBuffer.allocate(SIZE).put(idNonce).putLong(enrSeq).array();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WhoareyouAuthdata a && enrSeq == a.enrSeq && Arrays.equals(idNonce, a.idNonce);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(idNonce) + Long.hashCode(enrSeq);
  }

  @Override
  public String toString() {
    return "WhoareyouAuthdata[idNonce=" + HexFormat.of().formatHex(idNonce) + ", enrSeq="
        + Long.toUnsignedString(enrSeq) + "]";
  }
}
