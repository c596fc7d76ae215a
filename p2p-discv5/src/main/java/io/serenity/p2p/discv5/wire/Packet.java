package io.serenity.p2p.discv5.wire;

import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.discv5.crypto.AesGcm;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A discv5 packet with its header unmasked (discv5-wire.md, "Packet Encoding"):
 * {@code masking-iv || header || message}, where the message is the AES-GCM ciphertext (empty in
 * a WHOAREYOU). {@link PacketCodec} masks and unmasks the header on the way to and from a datagram.
 *
 * <pre>{@code
 * Packet p = Packet.seal(random.maskingIv(), new Header(random.nonce(), new MessageAuthdata(localId)),
 *     writeKey, MessageCodec.encode(new Ping(requestId, enrSeq)));
 * byte[] datagram = PacketCodec.encode(p, destId);
 * Packet in = PacketCodec.decode(datagram, destId);   // on the receiving side
 * byte[] plaintext = in.open(readKey);                 // Discv5Exception unless it authenticates
 * }</pre>
 *
 * @param maskingIv the 16-byte masking IV
 * @param header the unmasked header
 * @param message the encrypted message with its tag; empty for WHOAREYOU
 */
public record Packet(byte[] maskingIv, Header header, byte[] message) {

  /** Size of the masking IV. */
  public static final int MASKING_IV_SIZE = 16;

  /** Checks sizes and copies the arrays. */
  public Packet {
    if (maskingIv.length != MASKING_IV_SIZE) {
      throw new IllegalArgumentException("masking-iv must be 16 bytes, got " + maskingIv.length);
    }
    if (header.flag() == Flag.WHOAREYOU && message.length != 0) {
      throw new IllegalArgumentException("a WHOAREYOU packet has no message");
    }
    maskingIv = maskingIv.clone();
    message = message.clone();
  }

  /**
   * Encrypts a message into a packet.
   *
   * @param maskingIv 16 random bytes
   * @param header the header (flag 0 or 2)
   * @param key the 16-byte write key
   * @param plaintext {@code message-type || message-data}
   * @return the packet
   */
  public static Packet seal(byte[] maskingIv, Header header, byte[] key, byte[] plaintext) {
    if (header.flag() == Flag.WHOAREYOU) {
      throw new IllegalArgumentException("a WHOAREYOU packet has no message");
    }
    byte[] ad = concat(maskingIv, header.encode());
    return new Packet(maskingIv, header, AesGcm.seal(key, header.nonce(), plaintext, ad));
  }

  /**
   * Makes a WHOAREYOU challenge.
   *
   * @param maskingIv 16 random bytes
   * @param requestNonce the nonce of the packet being answered
   * @param idNonce 16 random bytes
   * @param enrSeq the seq of the challenged node's record known here, 0 if none
   * @return the packet
   */
  public static Packet whoareyou(byte[] maskingIv, byte[] requestNonce, byte[] idNonce, long enrSeq) {
    return new Packet(maskingIv, new Header(requestNonce, new WhoareyouAuthdata(idNonce, enrSeq)), new byte[0]);
  }

  /** {@return a copy of the masking IV} */
  @Override
  public byte[] maskingIv() {
    return maskingIv.clone();
  }

  /** {@return a copy of the encrypted message} */
  @Override
  public byte[] message() {
    return message.clone();
  }

  /** {@return the packet kind} */
  public Flag flag() {
    return header.flag();
  }

  /** {@return a copy of the header nonce} */
  public byte[] nonce() {
    return header.nonce();
  }

  /** {@return {@code masking-iv || header}: the associated data of the message encryption} */
  public byte[] messageAd() {
    return concat(maskingIv, header.encode());
  }

  /**
   * {@return {@code masking-iv || static-header || authdata} of a WHOAREYOU: the salt of the key
   * derivation and part of the id-signature input (discv5-theory.md, step 3)}
   *
   * @throws IllegalStateException when this is not a WHOAREYOU
   */
  public byte[] challengeData() {
    if (flag() != Flag.WHOAREYOU) {
      throw new IllegalStateException("challenge data comes from a WHOAREYOU packet, this is " + flag());
    }
    return messageAd();
  }

  /**
   * Authenticates and decrypts the message.
   *
   * @param key the 16-byte read key
   * @return {@code message-type || message-data}
   * @throws Discv5Exception when this is a WHOAREYOU or the message does not authenticate
   */
  public byte[] open(byte[] key) {
    if (flag() == Flag.WHOAREYOU) {
      throw new Discv5Exception("a WHOAREYOU packet carries no message");
    }
    return AesGcm.open(key, header.nonce(), message, messageAd());
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Packet p
        && Arrays.equals(maskingIv, p.maskingIv)
        && header.equals(p.header)
        && Arrays.equals(message, p.message);
  }

  @Override
  public int hashCode() {
    return 31 * header.hashCode() + Arrays.hashCode(message);
  }

  @Override
  public String toString() {
    return "Packet[maskingIv=" + HexFormat.of().formatHex(maskingIv) + ", header=" + header + ", message="
        + message.length + " bytes]";
  }
}
