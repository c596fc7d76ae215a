package io.serenity.p2p.crypto;

import com.google.protobuf.ByteString;
import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.crypto.internal.pb.KeysProtos;
import java.util.Arrays;

/**
 * The libp2p key envelope (libp2p/specs peer-ids.md "Keys"). Peer ids hash the encoded public key, so only the
 * canonical encoding ({@code 08 <type> 12 <len> <data>}, both fields once, in order, nothing else) is accepted.
 */
final class KeyProtobuf {
  /** Largest encoded key accepted; an RSA-8192 private key fits. */
  static final int MAX_ENCODED_LENGTH = 8 * 1024;

  record Decoded(KeyType type, byte[] data) {}

  private KeyProtobuf() {}

  static byte[] marshalPublic(KeyType type, byte[] data) {
    return KeysProtos.PublicKey.newBuilder()
        .setType(KeysProtos.KeyType.forNumber(type.code()))
        .setData(ByteString.copyFrom(data))
        .build()
        .toByteArray();
  }

  static byte[] marshalPrivate(KeyType type, byte[] data) {
    return KeysProtos.PrivateKey.newBuilder()
        .setType(KeysProtos.KeyType.forNumber(type.code()))
        .setData(ByteString.copyFrom(data))
        .build()
        .toByteArray();
  }

  static Decoded unmarshalPublic(byte[] bytes) {
    checkLength(bytes, "public");
    KeysProtos.PublicKey pb;
    try {
      pb = KeysProtos.PublicKey.parseFrom(bytes);
    } catch (Exception e) {
      throw new FormatException("malformed public key protobuf: " + e.getMessage(), e);
    }
    KeyType type = KeyType.fromCode(pb.getType().getNumber());
    byte[] data = pb.getData().toByteArray();
    if (!Arrays.equals(marshalPublic(type, data), bytes)) {
      throw new FormatException("public key protobuf is not canonically encoded");
    }
    return new Decoded(type, data);
  }

  static Decoded unmarshalPrivate(byte[] bytes) {
    checkLength(bytes, "private");
    KeysProtos.PrivateKey pb;
    try {
      pb = KeysProtos.PrivateKey.parseFrom(bytes);
    } catch (Exception e) {
      throw new FormatException("malformed private key protobuf: " + e.getMessage(), e);
    }
    KeyType type = KeyType.fromCode(pb.getType().getNumber());
    byte[] data = pb.getData().toByteArray();
    if (!Arrays.equals(marshalPrivate(type, data), bytes)) {
      throw new FormatException("private key protobuf is not canonically encoded");
    }
    return new Decoded(type, data);
  }

  private static void checkLength(byte[] bytes, String kind) {
    if (bytes.length > MAX_ENCODED_LENGTH) {
      throw new FormatException(kind + " key protobuf of " + bytes.length + " bytes exceeds " + MAX_ENCODED_LENGTH);
    }
  }
}
