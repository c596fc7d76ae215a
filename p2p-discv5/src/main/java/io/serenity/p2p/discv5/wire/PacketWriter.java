package io.serenity.p2p.discv5.wire;

import io.serenity.p2p.discv5.crypto.IdSignature;
import io.serenity.p2p.discv5.crypto.KeyDerivation;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.crypto.Secp256k1;
import io.serenity.p2p.discv5.crypto.SessionKeys;

/**
 * Builds the packets a node sends, drawing masking IVs, nonces, id-nonces and ephemeral keys from
 * one {@link RandomSource}; with a pinned source the output is byte for byte reproducible. The
 * packets still need {@link PacketCodec#encode} with the destination id. Holds no session state.
 *
 * <pre>{@code
 * PacketWriter writer = new PacketWriter(localId, RandomSource.secure());
 * Packet first = writer.randomMessage();                        // no session yet: provoke WHOAREYOU
 * Packet challenge = writer.whoareyou(first.nonce(), knownSeq);  // on the other side
 * Handshake.Sent hs = writer.handshake(challenge.challengeData(), localKey, destId, destPubkey,
 *     record, MessageCodec.encode(request));
 * }</pre>
 */
public final class PacketWriter {

  /** Bytes of random content in the packet that opens a handshake (no keys exist yet). */
  public static final int RANDOM_MESSAGE_SIZE = 20;

  private final byte[] localNodeId;
  private final RandomSource random;

  /**
   * Creates a writer.
   *
   * @param localNodeId our 32-byte node id (the {@code src-id} of what we send)
   * @param random where every random value comes from
   */
  public PacketWriter(byte[] localNodeId, RandomSource random) {
    if (localNodeId.length != 32) {
      throw new IllegalArgumentException("node id must be 32 bytes, got " + localNodeId.length);
    }
    this.localNodeId = localNodeId.clone();
    this.random = random;
  }

  /**
   * An ordinary message packet (flag 0) sealed with a session key.
   *
   * @param writeKey our 16-byte write key of the session
   * @param plaintext {@code message-type || message-data}
   * @return the packet
   */
  public Packet message(byte[] writeKey, byte[] plaintext) {
    byte[] iv = random.maskingIv();
    return Packet.seal(iv, new Header(random.nonce(), new MessageAuthdata(localNodeId)), writeKey, plaintext);
  }

  /**
   * An ordinary message packet with random content, sent when no session exists so that the
   * recipient answers with WHOAREYOU (discv5-theory.md, step 1). Its nonce identifies the request.
   *
   * @return the packet
   */
  public Packet randomMessage() {
    byte[] iv = random.maskingIv();
    Header header = new Header(random.nonce(), new MessageAuthdata(localNodeId));
    return new Packet(iv, header, random.bytes(RANDOM_MESSAGE_SIZE));
  }

  /**
   * A WHOAREYOU challenge (flag 1) answering a packet we could not decrypt.
   *
   * @param requestNonce the nonce of that packet
   * @param enrSeq the seq of the sender's record we hold, 0 if none (then it must send its record)
   * @return the packet; keep {@link Packet#challengeData()} for the handshake
   */
  public Packet whoareyou(byte[] requestNonce, long enrSeq) {
    byte[] iv = random.maskingIv();
    return Packet.whoareyou(iv, requestNonce, random.idNonce(), enrSeq);
  }

  /**
   * A handshake message packet (flag 2) answering a WHOAREYOU (discv5-theory.md, step 3): a fresh
   * ephemeral key, the session keys derived from it, the id-signature, and the message sealed
   * with the initiator key.
   *
   * @param challengeData the WHOAREYOU's challenge data, as received
   * @param localPrivateKey our 32-byte static key (signs the id proof)
   * @param destId the recipient's node id
   * @param destPublicKey the recipient's 33-byte static key, from its record
   * @param record our RLP-encoded record, or an empty array when the challenge's enr-seq is current
   * @param plaintext {@code message-type || message-data} of the request being re-sent
   * @return the packet and the new session keys
   */
  public Handshake.Sent handshake(byte[] challengeData, byte[] localPrivateKey, byte[] destId,
      byte[] destPublicKey, byte[] record, byte[] plaintext) {
    byte[] ephemeralKey = random.ephemeralKey();
    byte[] ephemeralPublicKey = Secp256k1.publicKey(ephemeralKey);
    SessionKeys keys = KeyDerivation.initiate(ephemeralKey, destPublicKey, challengeData, localNodeId, destId);
    byte[] signature = IdSignature.sign(localPrivateKey, challengeData, ephemeralPublicKey, destId);
    HandshakeAuthdata auth = new HandshakeAuthdata(localNodeId, signature, ephemeralPublicKey, record);
    byte[] iv = random.maskingIv();
    Packet packet = Packet.seal(iv, new Header(random.nonce(), auth), keys.initiatorKey(), plaintext);
    return new Handshake.Sent(packet, keys);
  }
}
