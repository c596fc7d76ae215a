package io.serenity.p2p.mux.yamux;

import io.netty.buffer.ByteBuf;

/**
 * One yamux frame (spec "Framing"): a 12-byte header and, for {@link Data}, a body. Stream ids,
 * deltas, opaque ping values and error codes are unsigned 32-bit values held in a {@code long}.
 */
sealed interface YamuxFrame {
  int VERSION = 0;
  int HEADER_LENGTH = 12;
  long MAX_UINT32 = 0xFFFF_FFFFL;

  /** The spec's type codes. */
  int TYPE_DATA = 0;

  int TYPE_WINDOW_UPDATE = 1;
  int TYPE_PING = 2;
  int TYPE_GO_AWAY = 3;

  /** GoAway error codes (spec "Session termination"). */
  long GO_AWAY_NORMAL = 0;

  long GO_AWAY_PROTOCOL_ERROR = 1;
  long GO_AWAY_INTERNAL_ERROR = 2;

  int type();

  int flags();

  long streamId();

  /** The header's length field: body length, window delta, opaque value or error code. */
  long length();

  default boolean has(YamuxFlag flag) {
    return flag.isSetIn(flags());
  }

  /** Stream data; the frame owns {@code data} until it is handed on or released. */
  record Data(long streamId, int flags, ByteBuf data) implements YamuxFrame {
    @Override
    public int type() {
      return TYPE_DATA;
    }

    @Override
    public long length() {
      return data.readableBytes();
    }
  }

  /**
   * Adds {@code delta} to the receiver's send window for the stream; also carries SYN/ACK/FIN/RST.
   */
  record WindowUpdate(long streamId, int flags, long delta) implements YamuxFrame {
    @Override
    public int type() {
      return TYPE_WINDOW_UPDATE;
    }

    @Override
    public long length() {
      return delta;
    }
  }

  /** Session ping: SYN asks, ACK answers with the same opaque value. Always stream 0. */
  record Ping(int flags, long opaque) implements YamuxFrame {
    @Override
    public int type() {
      return TYPE_PING;
    }

    @Override
    public long streamId() {
      return 0;
    }

    @Override
    public long length() {
      return opaque;
    }
  }

  /** Session termination with an error code. Always stream 0, no flags. */
  record GoAway(long errorCode) implements YamuxFrame {
    @Override
    public int type() {
      return TYPE_GO_AWAY;
    }

    @Override
    public int flags() {
      return 0;
    }

    @Override
    public long streamId() {
      return 0;
    }

    @Override
    public long length() {
      return errorCode;
    }
  }
}
