package io.serenity.p2p.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One mplex message (spec "Message format"): {@code uvarint(id << 3 | flag) uvarint(len) data}.
 *
 * <p>{@code fromInitiator} tells whether the <em>sender</em> of the frame opened the stream: the
 * flags come in Receiver/Initiator pairs because both sides allocate ids independently, so an id
 * alone does not name a stream (spec "Opening a new stream").
 */
sealed interface MplexFrame
    permits MplexFrame.NewStream, MplexFrame.Message, MplexFrame.Close, MplexFrame.Reset {

  /** Largest stream id: the header is at most 9 varint bytes, 63 bits, less 3 flag bits. */
  long MAX_STREAM_ID = (1L << 60) - 1;

  int FLAG_NEW_STREAM = 0;
  int FLAG_MESSAGE_RECEIVER = 1;
  int FLAG_MESSAGE_INITIATOR = 2;
  int FLAG_CLOSE_RECEIVER = 3;
  int FLAG_CLOSE_INITIATOR = 4;
  int FLAG_RESET_RECEIVER = 5;
  int FLAG_RESET_INITIATOR = 6;

  long streamId();

  /** True when the sender of this frame is the side that opened the stream. */
  boolean fromInitiator();

  /** The 3-bit flag carried in the header. */
  int flag();

  /** Flag 0: the sender opens stream {@code streamId}; the name is for debugging only. */
  record NewStream(long streamId, String name) implements MplexFrame {
    @Override
    public boolean fromInitiator() {
      return true;
    }

    @Override
    public int flag() {
      return FLAG_NEW_STREAM;
    }
  }

  /**
   * Flags 1/2: stream data. Owns {@code data}; whoever holds the frame releases it (the frame is
   * {@link ReferenceCounted} so Netty's release utilities work on it).
   */
  record Message(long streamId, boolean fromInitiator, ByteBuf data)
      implements MplexFrame, ReferenceCounted {
    @Override
    public int flag() {
      return fromInitiator ? FLAG_MESSAGE_INITIATOR : FLAG_MESSAGE_RECEIVER;
    }

    @Override
    public int refCnt() {
      return data.refCnt();
    }

    @Override
    public Message retain() {
      data.retain();
      return this;
    }

    @Override
    public Message retain(int increment) {
      data.retain(increment);
      return this;
    }

    @Override
    public Message touch() {
      data.touch();
      return this;
    }

    @Override
    public Message touch(Object hint) {
      data.touch(hint);
      return this;
    }

    @Override
    public boolean release() {
      return data.release();
    }

    @Override
    public boolean release(int decrement) {
      return data.release(decrement);
    }
  }

  /** Flags 3/4: the sender half-closes; it writes no more on this stream. */
  record Close(long streamId, boolean fromInitiator) implements MplexFrame {
    @Override
    public int flag() {
      return fromInitiator ? FLAG_CLOSE_INITIATOR : FLAG_CLOSE_RECEIVER;
    }
  }

  /** Flags 5/6: the sender aborts the stream in both directions. */
  record Reset(long streamId, boolean fromInitiator) implements MplexFrame {
    @Override
    public int flag() {
      return fromInitiator ? FLAG_RESET_INITIATOR : FLAG_RESET_RECEIVER;
    }
  }
}
