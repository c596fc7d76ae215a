package io.serenity.p2p.noise;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Noise HandshakeState (Noise spec §5.3) for the one pattern libp2p uses, XX (§7.5):
 *
 * <pre>
 *   -> e
 *   <- e, ee, s, es
 *   -> s, se
 * </pre>
 *
 * Pure: no I/O, randomness injected. The prologue is a parameter so the generic test vectors (which
 * use "John Galt") can be checked; libp2p uses an empty prologue.
 *
 * <p>Not thread-safe.
 */
final class HandshakeState {

  static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";

  /** Maximum size of any Noise message (§3). */
  static final int MAX_MESSAGE_LENGTH = 65535;

  private enum Token {
    E,
    S,
    EE,
    ES,
    SE
  }

  private static final Token[][] XX = {
    {Token.E}, {Token.E, Token.EE, Token.S, Token.ES}, {Token.S, Token.SE},
  };

  private final boolean initiator;
  private final SymmetricState symmetric;
  private final DhKeyPair s;
  private final SecureRandom random;
  private DhKeyPair e;
  private byte[] rs;
  private byte[] re;
  private int messageIndex;

  /**
   * @param fixedEphemeral the ephemeral key to use, for test vectors only; null to generate one
   */
  HandshakeState(
      boolean initiator,
      byte[] prologue,
      DhKeyPair localStatic,
      DhKeyPair fixedEphemeral,
      SecureRandom random) {
    this.initiator = initiator;
    this.s = localStatic;
    this.e = fixedEphemeral;
    this.random = random;
    this.symmetric = new SymmetricState(PROTOCOL_NAME);
    symmetric.mixHash(prologue);
  }

  boolean isInitiator() {
    return initiator;
  }

  /** True when it is this side's turn to write. */
  boolean isMyTurn() {
    return !isComplete() && ((messageIndex % 2 == 0) == initiator);
  }

  boolean isComplete() {
    return messageIndex == XX.length;
  }

  /** The remote static key once received (after message 2 for the initiator, 3 for responder). */
  byte[] remoteStatic() {
    return rs == null ? null : rs.clone();
  }

  byte[] localStaticPublic() {
    return s.publicKey().clone();
  }

  byte[] handshakeHash() {
    return symmetric.handshakeHash();
  }

  /** WriteMessage (§5.3): returns the handshake message carrying {@code payload}. */
  byte[] writeMessage(byte[] payload) {
    if (!isMyTurn()) {
      throw new IllegalStateException("not this side's turn to write");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Token t : XX[messageIndex]) {
      switch (t) {
        case E -> {
          if (e == null) {
            e = DhKeyPair.generate(random);
          }
          out.writeBytes(e.publicKey());
          symmetric.mixHash(e.publicKey());
        }
        case S -> out.writeBytes(symmetric.encryptAndHash(s.publicKey()));
        default -> symmetric.mixKey(dh(t));
      }
    }
    out.writeBytes(symmetric.encryptAndHash(payload));
    messageIndex++;
    byte[] message = out.toByteArray();
    if (message.length > MAX_MESSAGE_LENGTH) {
      throw new NoiseException("handshake message of " + message.length + " bytes exceeds 65535");
    }
    return message;
  }

  /** ReadMessage (§5.3): returns the payload; throws NoiseException on malformed input. */
  byte[] readMessage(byte[] message) {
    if (isComplete() || isMyTurn()) {
      throw new IllegalStateException("not this side's turn to read");
    }
    int offset = 0;
    for (Token t : XX[messageIndex]) {
      switch (t) {
        case E -> {
          re = slice(message, offset, DhKeyPair.DHLEN, "ephemeral key");
          offset += DhKeyPair.DHLEN;
          symmetric.mixHash(re);
        }
        case S -> {
          int len = DhKeyPair.DHLEN + (symmetric.hasKey() ? CipherState.TAG_LENGTH : 0);
          rs = symmetric.decryptAndHash(slice(message, offset, len, "static key"));
          offset += len;
        }
        default -> symmetric.mixKey(dh(t));
      }
    }
    byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, offset, message.length));
    messageIndex++;
    return payload;
  }

  /** Split (§5.2) after the last message: {@code [send, receive]} for this side. */
  CipherState[] split() {
    if (!isComplete()) {
      throw new IllegalStateException("handshake not complete");
    }
    CipherState[] c = symmetric.split();
    return initiator ? c : new CipherState[] {c[1], c[0]};
  }

  /** The DH of a token: ee, es, se from this side's point of view (§7.1). */
  private byte[] dh(Token t) {
    return switch (t) {
      case EE -> e.dh(re);
      case ES -> initiator ? e.dh(rs) : s.dh(re);
      case SE -> initiator ? s.dh(re) : e.dh(rs);
      default -> throw new IllegalArgumentException(t.name());
    };
  }

  private static byte[] slice(byte[] message, int offset, int len, String what) {
    if (message.length < offset + len) {
      throw new NoiseException("handshake message too short for the " + what);
    }
    return Arrays.copyOfRange(message, offset, offset + len);
  }
}
