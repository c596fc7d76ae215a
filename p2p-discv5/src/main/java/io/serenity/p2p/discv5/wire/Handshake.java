package io.serenity.p2p.discv5.wire;

import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.discv5.crypto.IdSignature;
import io.serenity.p2p.discv5.crypto.KeyDerivation;
import io.serenity.p2p.discv5.crypto.Secp256k1;
import io.serenity.p2p.discv5.crypto.SessionKeys;
import java.util.Arrays;

/**
 * The recipient's half of the handshake (discv5-theory.md, "Handshake Steps", step 4): check the
 * id-signature of a handshake packet against the sender's record key and derive the session keys.
 * The initiator's half is {@link PacketWriter#handshake}. Matching the packet to a live challenge,
 * and verifying the record itself, belong to the session layer.
 */
public final class Handshake {

  private Handshake() {}

  /**
   * What the initiator sends, and the keys it keeps.
   *
   * @param packet the handshake packet (flag 2), its message sealed with the initiator key
   * @param keys the session keys; node A writes with the initiator key
   */
  public record Sent(Packet packet, SessionKeys keys) {}

  /**
   * Verifies a handshake packet against the challenge we sent and derives the session keys.
   *
   * @param packet a decoded handshake packet
   * @param challengeData the challenge data of the WHOAREYOU we sent
   * @param senderPublicKey the 33-byte static key of the sender's record (from the packet or known)
   * @param localPrivateKey our 32-byte static key
   * @param localNodeId our node id
   * @return the session keys; open the packet with {@link SessionKeys#initiatorKey()}
   * @throws Discv5Exception when the packet is no handshake, the key does not belong to
   *     {@code src-id}, the ephemeral key is not a curve point, or the id-signature does not verify
   */
  public static SessionKeys accept(Packet packet, byte[] challengeData, byte[] senderPublicKey,
      byte[] localPrivateKey, byte[] localNodeId) {
    if (!(packet.header().authdata() instanceof HandshakeAuthdata auth)) {
      throw new Discv5Exception("expected a handshake packet, got " + packet.flag());
    }
    byte[] srcId = auth.srcId();
    if (!Arrays.equals(Secp256k1.nodeId(senderPublicKey), srcId)) {
      throw new Discv5Exception("handshake: the record's key does not belong to src-id");
    }
    if (!IdSignature.verify(senderPublicKey, auth.idSignature(), challengeData, auth.ephemeralPublicKey(),
        localNodeId)) {
      throw new Discv5Exception("handshake: id-signature does not verify");
    }
    return KeyDerivation.respond(localPrivateKey, auth.ephemeralPublicKey(), challengeData, srcId, localNodeId);
  }
}
