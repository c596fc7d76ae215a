package io.serenity.p2p.mux.yamux;

/** The yamux header flags (spec "Flag Field"); a frame carries a bitmask of them. */
enum YamuxFlag {
  /** Opens a stream; on a ping, marks the request. */
  SYN(0x1),
  /** Accepts a stream; on a ping, marks the reply. */
  ACK(0x2),
  /** Half-closes the sender's direction. */
  FIN(0x4),
  /** Aborts the stream in both directions. */
  RST(0x8);

  private final int bit;

  YamuxFlag(int bit) {
    this.bit = bit;
  }

  int bit() {
    return bit;
  }

  boolean isSetIn(int flags) {
    return (flags & bit) != 0;
  }

  /** Human-readable form of a bitmask, e.g. {@code SYN|FIN}, for log lines. */
  static String describe(int flags) {
    StringBuilder sb = new StringBuilder();
    for (YamuxFlag f : values()) {
      if (f.isSetIn(flags)) {
        sb.append(sb.length() == 0 ? "" : "|").append(f.name());
      }
    }
    return sb.length() == 0 ? "-" : sb.toString();
  }
}
