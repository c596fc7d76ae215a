package io.serenity.p2p.discv5.wire;

import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.discv5.crypto.Secp256k1;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.enr.RlpException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Authdata of a handshake message packet ({@code flag = 2}) under the "v4" identity scheme:
 * {@code src-id || sig-size (64) || eph-key-size (33) || id-signature || eph-pubkey || record}.
 * The record is kept as bytes; {@link #enr()} decodes and verifies it.
 *
 * @param srcId the 32-byte node id of the sender (node A)
 * @param idSignature A's 64-byte id-signature
 * @param ephemeralPublicKey A's 33-byte compressed ephemeral public key
 * @param record A's RLP-encoded node record, or an empty array when omitted
 */
public record HandshakeAuthdata(byte[] srcId, byte[] idSignature, byte[] ephemeralPublicKey, byte[] record)
    implements Authdata {

  /** Size without the record: {@code 34 + 64 + 33}. */
  public static final int FIXED_SIZE = 34 + Secp256k1.SIGNATURE_SIZE + Secp256k1.PUBLIC_KEY_SIZE;

  /** Checks sizes and copies every array. */
  public HandshakeAuthdata {
    if (srcId.length != 32) {
      throw new IllegalArgumentException("src-id must be 32 bytes, got " + srcId.length);
    }
    if (idSignature.length != Secp256k1.SIGNATURE_SIZE) {
      throw new IllegalArgumentException("id-signature must be 64 bytes, got " + idSignature.length);
    }
    if (ephemeralPublicKey.length != Secp256k1.PUBLIC_KEY_SIZE) {
      throw new IllegalArgumentException("eph-pubkey must be 33 bytes, got " + ephemeralPublicKey.length);
    }
    if (record.length > Enr.MAX_SIZE) {
      throw new IllegalArgumentException("record of " + record.length + " bytes exceeds " + Enr.MAX_SIZE);
    }
    srcId = srcId.clone();
    idSignature = idSignature.clone();
    ephemeralPublicKey = ephemeralPublicKey.clone();
    record = record.clone();
  }

  /** {@return a copy of the sender's node id} */
  @Override
  public byte[] srcId() {
    return srcId.clone();
  }

  /** {@return a copy of the id-signature} */
  @Override
  public byte[] idSignature() {
    return idSignature.clone();
  }

  /** {@return a copy of the ephemeral public key} */
  @Override
  public byte[] ephemeralPublicKey() {
    return ephemeralPublicKey.clone();
  }

  /** {@return a copy of the record bytes; empty when the sender left the record out} */
  @Override
  public byte[] record() {
    return record.clone();
  }

  /**
   * Decodes and verifies the record, when there is one.
   *
   * @return the sender's record, or empty when the packet carries none
   * @throws Discv5Exception when the record is malformed or its signature does not verify
   */
  public Optional<Enr> enr() {
    if (record.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Enr.decode(record));
    } catch (RlpException e) {
      throw new Discv5Exception("handshake record: " + e.getMessage(), e);
    }
  }

  @Override
  public Flag flag() {
    return Flag.HANDSHAKE;
  }

  @Override
  public byte[] encode() {
    return ByteBuffer.allocate(FIXED_SIZE + record.length)
        .put(srcId)
        .put((byte) idSignature.length)
        .put((byte) ephemeralPublicKey.length)
        .put(idSignature)
        .put(ephemeralPublicKey)
        .put(record)
        .array();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HandshakeAuthdata a
        && Arrays.equals(srcId, a.srcId)
        && Arrays.equals(idSignature, a.idSignature)
        && Arrays.equals(ephemeralPublicKey, a.ephemeralPublicKey)
        && Arrays.equals(record, a.record);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(srcId) * 31 + Arrays.hashCode(ephemeralPublicKey);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "HandshakeAuthdata[srcId=" + hex.formatHex(srcId) + ", ephemeralPublicKey="
        + hex.formatHex(ephemeralPublicKey) + ", record=" + record.length + " bytes]";
  }
}
