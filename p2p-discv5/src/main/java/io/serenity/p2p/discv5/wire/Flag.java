package io.serenity.p2p.discv5.wire;

import io.serenity.p2p.discv5.Discv5Exception;

/** The packet kind, the {@code flag} byte of the static header (discv5-wire.md, "Packet Encoding"). */
public enum Flag {
  /** An ordinary message packet; authdata is the source node id. */
  MESSAGE(0),
  /** A WHOAREYOU challenge; authdata is {@code id-nonce || enr-seq}, no message. */
  WHOAREYOU(1),
  /** A handshake message packet; authdata carries the id-signature, ephemeral key and maybe a record. */
  HANDSHAKE(2);

  private final int value;

  Flag(int value) {
    this.value = value;
  }

  /** {@return the byte on the wire} */
  public int value() {
    return value;
  }

  /**
   * {@return the flag for a byte on the wire}
   *
   * @param value the byte, unsigned
   * @throws Discv5Exception for any value but 0, 1 and 2
   */
  public static Flag of(int value) {
    return switch (value) {
      case 0 -> MESSAGE;
      case 1 -> WHOAREYOU;
      case 2 -> HANDSHAKE;
      default -> throw new Discv5Exception("unknown packet flag " + value);
    };
  }
}
