package io.serenity.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Drives a {@link Negotiation} over one muxed stream, installed as the stream's handler. */
final class StreamNegotiation implements MuxedStreamHandler {

  private final Negotiation negotiation;

  /** Called once with the final step and the leftover bytes (ownership passes). */
  private final BiConsumer<Negotiation.Step, ByteBuf> onDone;

  private final Consumer<Throwable> onFailure;
  private final ByteBuf cumulation = Unpooled.buffer(64);
  private boolean done;

  StreamNegotiation(
      Negotiation negotiation,
      BiConsumer<Negotiation.Step, ByteBuf> onDone,
      Consumer<Throwable> onFailure) {
    this.negotiation = negotiation;
    this.onDone = onDone;
    this.onFailure = onFailure;
  }

  /** Sends the opening messages, then listens. Writes go first so they precede any answer. */
  void start(MuxedStream stream) {
    write(stream, negotiation.start());
    stream.setHandler(this);
  }

  @Override
  public void onData(MuxedStream stream, ByteBuf data) {
    if (done) {
      data.release();
      return;
    }
    try {
      cumulation.writeBytes(data);
    } finally {
      data.release();
    }
    Negotiation.Step step;
    try {
      step = negotiation.receive(cumulation);
    } catch (MultistreamException e) {
      fail(stream, e);
      return;
    }
    if (!step.send().isEmpty()) {
      write(stream, step.send());
      if (done) {
        // the write failed at once (stream reset, connection closing): fail() already cleaned up
        return;
      }
    }
    if (!step.done()) {
      cumulation.discardReadBytes();
      return;
    }
    done = true;
    ByteBuf leftover = cumulation.readableBytes() == 0 ? Unpooled.EMPTY_BUFFER : cumulation.copy();
    cumulation.release();
    try {
      onDone.accept(step, leftover);
    } catch (RuntimeException e) {
      stream.reset();
      onFailure.accept(e);
    }
  }

  @Override
  public void onRemoteClose(MuxedStream stream) {
    fail(
        stream, new MultistreamAbortedException("stream closed by remote during multistream negotiation"));
  }

  @Override
  public void onReset(MuxedStream stream) {
    fail(stream, new MultistreamAbortedException("stream reset during multistream negotiation"));
  }

  private void write(MuxedStream stream, List<MultistreamMessage> messages) {
    stream
        .write(MultistreamCodec.encode(messages))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                fail(stream, new MultistreamException("multistream write failed", e));
              }
            });
  }

  private void fail(MuxedStream stream, MultistreamException e) {
    if (done) {
      return;
    }
    done = true;
    cumulation.release();
    stream.reset();
    onFailure.accept(e);
  }
}
