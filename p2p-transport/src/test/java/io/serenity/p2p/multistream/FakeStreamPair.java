package io.serenity.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.mux.MuxerException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * Two connected in-memory streams. Deliveries are queued and run by {@link #runAll()}, as an event
 * loop would run them later, so no callback re-enters another.
 */
final class FakeStreamPair {

  final Deque<Runnable> tasks = new ArrayDeque<>();
  final Side a = new Side(1, true);
  final Side b = new Side(1, false);

  FakeStreamPair() {
    a.peer = b;
    b.peer = a;
  }

  /** Runs queued deliveries until none are left (bounded). */
  void runAll() {
    for (int i = 0; i < 10_000 && !tasks.isEmpty(); i++) {
      tasks.poll().run();
    }
    if (!tasks.isEmpty()) {
      throw new AssertionError("deliveries did not settle");
    }
  }

  final class Side implements MuxedStream {
    private final long id;
    private final boolean initiator;
    Side peer;
    MuxedStreamHandler handler;
    final Deque<ByteBuf> held = new ArrayDeque<>();
    boolean reset;
    boolean writeClosed;
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    Side(long id, boolean initiator) {
      this.id = id;
      this.initiator = initiator;
    }

    @Override
    public long id() {
      return id;
    }

    @Override
    public boolean isInitiator() {
      return initiator;
    }

    @Override
    public MuxedConnection connection() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setHandler(MuxedStreamHandler h) {
      handler = h;
      while (!held.isEmpty() && handler == h) {
        h.onData(this, held.poll());
      }
    }

    void deliver(ByteBuf data) {
      if (reset) {
        data.release();
      } else if (handler == null) {
        held.add(data);
      } else {
        handler.onData(this, data);
      }
    }

    @Override
    public CompletableFuture<Void> write(ByteBuf data) {
      if (reset || writeClosed) {
        data.release();
        return CompletableFuture.failedFuture(new MuxerException("stream closed"));
      }
      tasks.add(() -> peer.deliver(data));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> closeWrite() {
      writeClosed = true;
      tasks.add(
          () -> {
            if (!peer.reset && peer.handler != null) {
              peer.handler.onRemoteClose(peer);
            }
          });
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void reset() {
      if (reset) {
        return;
      }
      reset = true;
      held.forEach(ByteBuf::release);
      held.clear();
      closed.complete(null);
      tasks.add(
          () -> {
            if (!peer.reset) {
              peer.reset = true;
              peer.held.forEach(ByteBuf::release);
              peer.held.clear();
              peer.closed.complete(null);
              if (peer.handler != null) {
                peer.handler.onReset(peer);
              }
            }
          });
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
      return closed;
    }
  }
}
