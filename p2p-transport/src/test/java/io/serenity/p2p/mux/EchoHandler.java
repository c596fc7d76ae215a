package io.serenity.p2p.mux;

import io.netty.buffer.ByteBuf;

/** Test handler: writes every received buffer back and half-closes when the remote does. */
public final class EchoHandler implements MuxedStreamHandler {

  @Override
  public void onData(MuxedStream stream, ByteBuf data) {
    // Ownership of data passes to write(); a failed write (stream reset) is the test's concern.
    stream.write(data);
  }

  @Override
  public void onRemoteClose(MuxedStream stream) {
    stream.closeWrite();
  }
}
