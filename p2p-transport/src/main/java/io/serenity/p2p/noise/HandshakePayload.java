package io.serenity.p2p.noise;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.noise.internal.pb.NoiseProtos;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The libp2p handshake payload (libp2p noise spec, "The libp2p Handshake Payload"): the identity
 * key, its signature over the Noise static key, and the stream muxer list.
 */
final class HandshakePayload {

  static final byte[] SIGNATURE_PREFIX =
      "noise-libp2p-static-key:".getBytes(StandardCharsets.UTF_8);

  /** A verified remote payload. */
  record Remote(PublicKey key, PeerId peer, List<String> muxers) {}

  private HandshakePayload() {}

  /** Encodes our payload: identity key, signature over {@code staticPublic}, muxers if any. */
  static byte[] create(PrivateKey identity, byte[] staticPublic, List<String> muxers) {
    NoiseProtos.NoiseHandshakePayload.Builder b =
        NoiseProtos.NoiseHandshakePayload.newBuilder()
            .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
            .setIdentitySig(ByteString.copyFrom(identity.sign(signedData(staticPublic))));
    if (!muxers.isEmpty()) {
      b.setExtensions(NoiseProtos.NoiseExtensions.newBuilder().addAllStreamMuxers(muxers));
    }
    return b.build().toByteArray();
  }

  /**
   * Decodes and authenticates a remote payload against the static key received in the handshake.
   *
   * @throws NoiseException when the payload is malformed or the signature does not verify
   */
  static Remote verify(byte[] payload, byte[] remoteStatic) {
    NoiseProtos.NoiseHandshakePayload p;
    try {
      p = NoiseProtos.NoiseHandshakePayload.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new NoiseException("malformed handshake payload: " + e.getMessage(), e);
    }
    if (!p.hasIdentityKey() || !p.hasIdentitySig()) {
      throw new NoiseException("handshake payload lacks the identity key or signature");
    }
    PublicKey key;
    try {
      key = PublicKey.unmarshal(p.getIdentityKey().toByteArray());
    } catch (FormatException e) {
      throw new NoiseException("bad identity key in handshake payload: " + e.getMessage(), e);
    }
    PeerId peer = PeerId.fromPublicKey(key);
    if (!key.verify(signedData(remoteStatic), p.getIdentitySig().toByteArray())) {
      throw new NoiseException("invalid signature over the Noise static key from " + peer);
    }
    List<String> muxers =
        p.hasExtensions() ? List.copyOf(p.getExtensions().getStreamMuxersList()) : List.of();
    return new Remote(key, peer, muxers);
  }

  static byte[] signedData(byte[] staticPublic) {
    byte[] data = new byte[SIGNATURE_PREFIX.length + staticPublic.length];
    System.arraycopy(SIGNATURE_PREFIX, 0, data, 0, SIGNATURE_PREFIX.length);
    System.arraycopy(staticPublic, 0, data, SIGNATURE_PREFIX.length, staticPublic.length);
    return data;
  }
}
