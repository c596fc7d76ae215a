package io.serenity.p2p.discv5.wire;

import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.discv5.crypto.AesCtr;
import io.serenity.p2p.discv5.crypto.AesGcm;
import io.serenity.p2p.discv5.crypto.Secp256k1;
import io.serenity.p2p.eth2.enr.Enr;
import java.util.Arrays;

/**
 * Turns packets into datagrams and back (discv5-wire.md, "Protocol Header"). The header is masked
 * with AES-128-CTR under the first 16 bytes of the destination node id. Decoding is strict: a
 * datagram outside 63..1280 bytes, a wrong protocol id or version, an unknown flag, an authdata
 * size that does not fit the flag or the datagram, a WHOAREYOU with a message, or a message
 * shorter than the GCM tag is refused with {@link Discv5Exception} and nothing else. Stateless.
 */
public final class PacketCodec {

  /** Smallest packet the spec allows: a WHOAREYOU, 16 + 23 + 24 bytes. */
  public static final int MIN_SIZE = 63;
  /** Largest packet the spec allows. */
  public static final int MAX_SIZE = 1280;

  private PacketCodec() {}

  /**
   * Masks the header and lays out the datagram.
   *
   * @param packet the packet
   * @param destId the 32-byte node id of the recipient (its first 16 bytes are the masking key)
   * @return the datagram
   * @throws Discv5Exception when the datagram would exceed 1280 bytes
   */
  public static byte[] encode(Packet packet, byte[] destId) {
    byte[] header = packet.header().encode();
    byte[] message = packet.message();
    int size = Packet.MASKING_IV_SIZE + header.length + message.length;
    if (size > MAX_SIZE) {
      throw new Discv5Exception("packet of " + size + " bytes exceeds " + MAX_SIZE);
    }
    byte[] iv = packet.maskingIv();
    byte[] masked = AesCtr.apply(maskingKey(destId), iv, header, 0, header.length);
    byte[] out = new byte[size];
    System.arraycopy(iv, 0, out, 0, iv.length);
    System.arraycopy(masked, 0, out, iv.length, masked.length);
    System.arraycopy(message, 0, out, iv.length + masked.length, message.length);
    return out;
  }

  /**
   * Unmasks and parses a datagram addressed to us. The message stays encrypted.
   *
   * @param datagram the bytes received
   * @param localId our 32-byte node id
   * @return the packet
   * @throws Discv5Exception when the datagram is not a well-formed discv5 packet for us
   */
  public static Packet decode(byte[] datagram, byte[] localId) {
    if (datagram == null || datagram.length < MIN_SIZE || datagram.length > MAX_SIZE) {
      throw new Discv5Exception("datagram of " + (datagram == null ? 0 : datagram.length)
          + " bytes is outside " + MIN_SIZE + ".." + MAX_SIZE);
    }
    byte[] key = maskingKey(localId);
    byte[] iv = Arrays.copyOfRange(datagram, 0, Packet.MASKING_IV_SIZE);
    int headerStart = Packet.MASKING_IV_SIZE;
    byte[] staticHeader = AesCtr.apply(key, iv, datagram, headerStart, Header.STATIC_SIZE);
    if (!Arrays.equals(staticHeader, 0, Header.PROTOCOL_ID.length, Header.PROTOCOL_ID, 0, Header.PROTOCOL_ID.length)) {
      throw new Discv5Exception("wrong protocol id (not discv5, or not addressed to this node)");
    }
    int version = u16(staticHeader, 6);
    if (version != Header.VERSION) {
      throw new Discv5Exception("unsupported protocol version " + version);
    }
    Flag flag = Flag.of(staticHeader[8] & 0xff);
    byte[] nonce = Arrays.copyOfRange(staticHeader, 9, 9 + Header.NONCE_SIZE);
    int authdataSize = u16(staticHeader, 21);
    int messageStart = headerStart + Header.STATIC_SIZE + authdataSize;
    if (messageStart > datagram.length) {
      throw new Discv5Exception("authdata-size " + authdataSize + " runs past the end of the datagram");
    }
    // CTR is a stream: unmask the whole header again from the start of the key stream
    byte[] header = AesCtr.apply(key, iv, datagram, headerStart, Header.STATIC_SIZE + authdataSize);
    byte[] authdata = Arrays.copyOfRange(header, Header.STATIC_SIZE, header.length);
    byte[] message = Arrays.copyOfRange(datagram, messageStart, datagram.length);
    Authdata auth = decodeAuthdata(flag, authdata);
    if (flag == Flag.WHOAREYOU) {
      if (message.length != 0) {
        throw new Discv5Exception("WHOAREYOU packet with " + message.length + " bytes after the header");
      }
    } else if (message.length < AesGcm.TAG_SIZE) {
      throw new Discv5Exception(flag + " packet with a message of " + message.length
          + " bytes, shorter than the GCM tag");
    }
    return new Packet(iv, new Header(nonce, auth), message);
  }

  private static Authdata decodeAuthdata(Flag flag, byte[] a) {
    return switch (flag) {
      case MESSAGE -> {
        expectSize(flag, a, MessageAuthdata.SIZE);
        yield new MessageAuthdata(a);
      }
      case WHOAREYOU -> {
        expectSize(flag, a, WhoareyouAuthdata.SIZE);
        long enrSeq = 0;
        for (int i = 16; i < 24; i++) {
          enrSeq = (enrSeq << 8) | (a[i] & 0xff);
        }
        yield new WhoareyouAuthdata(Arrays.copyOfRange(a, 0, 16), enrSeq);
      }
      case HANDSHAKE -> decodeHandshake(a);
    };
  }

  private static HandshakeAuthdata decodeHandshake(byte[] a) {
    if (a.length < 34) {
      throw new Discv5Exception("handshake authdata of " + a.length + " bytes is shorter than its 34-byte head");
    }
    int sigSize = a[32] & 0xff;
    int keySize = a[33] & 0xff;
    // only the "v4" identity scheme exists: 64-byte signatures, 33-byte compressed keys
    if (sigSize != Secp256k1.SIGNATURE_SIZE || keySize != Secp256k1.PUBLIC_KEY_SIZE) {
      throw new Discv5Exception("handshake sig-size " + sigSize + " / eph-key-size " + keySize
          + " are not the v4 scheme's 64 / 33");
    }
    if (a.length < HandshakeAuthdata.FIXED_SIZE) {
      throw new Discv5Exception("handshake authdata of " + a.length + " bytes is shorter than "
          + HandshakeAuthdata.FIXED_SIZE);
    }
    int recordSize = a.length - HandshakeAuthdata.FIXED_SIZE;
    if (recordSize > Enr.MAX_SIZE) {
      throw new Discv5Exception("handshake record of " + recordSize + " bytes exceeds " + Enr.MAX_SIZE);
    }
    int sigStart = 34;
    int keyStart = sigStart + sigSize;
    int recordStart = keyStart + keySize;
    return new HandshakeAuthdata(
        Arrays.copyOfRange(a, 0, 32),
        Arrays.copyOfRange(a, sigStart, keyStart),
        Arrays.copyOfRange(a, keyStart, recordStart),
        Arrays.copyOfRange(a, recordStart, a.length));
  }

  private static void expectSize(Flag flag, byte[] authdata, int size) {
    if (authdata.length != size) {
      throw new Discv5Exception(flag + " authdata must be " + size + " bytes, got " + authdata.length);
    }
  }

  private static byte[] maskingKey(byte[] nodeId) {
    if (nodeId.length != 32) {
      throw new IllegalArgumentException("node id must be 32 bytes, got " + nodeId.length);
    }
    return Arrays.copyOf(nodeId, 16);
  }

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }
}
