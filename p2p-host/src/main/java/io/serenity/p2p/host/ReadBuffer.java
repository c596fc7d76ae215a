package io.serenity.p2p.host;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * Bytes a stream received but nobody has read yet. Heap memory, bounded by the caller; used only on
 * the connection's event loop. Up to {@link #RETAINED} bytes the array is the stream's own and kept;
 * a larger one comes from the node's {@link ArrayPool} and goes back to it as soon as its bytes are
 * read, so a stream that receives one large message after another reuses pooled arrays instead of
 * growing a new one for each. Nothing here needs releasing: an array not given back is only garbage.
 */
final class ReadBuffer {

  /** Marker for "the varint is not complete yet". */
  static final long INCOMPLETE = -1;

  /** An emptied buffer keeps an array up to this size; a larger one is given back. */
  private static final int RETAINED = 64 * 1024;

  private static final ArrayPool NO_POOL = new ArrayPool(0);

  private final ArrayPool pool;
  /** The stream's own array (at most {@link #RETAINED}); {@code data} when that is not pooled. */
  private byte[] home = new byte[256];
  private byte[] data = home;
  /** A decoder is running ({@link #clear} waits for it). */
  private boolean decoding;
  private boolean clearAfterDecode;
  /** A heap buffer over {@link #data} for {@link #decode}; rebuilt when the array changes. */
  private ByteBuffer view;
  private int start;
  private int end;

  /** A buffer whose large arrays are garbage once read (no pool). */
  ReadBuffer() {
    this(NO_POOL);
  }

  ReadBuffer(ArrayPool pool) {
    this.pool = pool;
  }

  int readable() {
    return end - start;
  }

  /** Appends and consumes {@code in}'s readable bytes; the caller still releases {@code in}. */
  void append(ByteBuf in) {
    int n = in.readableBytes();
    ensure(n);
    in.readBytes(data, end, n);
    end += n;
  }

  private void ensure(int n) {
    if (data.length - end >= n) {
      return;
    }
    int live = readable();
    if (data.length - live >= n && start > 0) {
      System.arraycopy(data, start, data, 0, live);
    } else {
      int want = Math.max(data.length * 2, live + n);
      byte[] bigger = want > RETAINED ? pool.take(want) : new byte[want];
      System.arraycopy(data, start, bigger, 0, live);
      byte[] old = data;
      data = bigger;
      if (old == home) {
        if (bigger.length <= RETAINED) {
          home = bigger;
        }
      } else {
        pool.give(old);
      }
    }
    start = 0;
    end = live;
  }

  /**
   * Peeks an unsigned LEB128 varint at the read position: its value, or {@link #INCOMPLETE}.
   * Stores the varint's length in {@code lenOut[0]}.
   *
   * @throws IllegalArgumentException on a varint longer than 9 bytes or not minimally encoded
   */
  long peekUvarint(int[] lenOut) {
    long value = 0;
    for (int i = 0; i < 9; i++) {
      if (start + i >= end) {
        return INCOMPLETE;
      }
      int b = data[start + i] & 0xff;
      value |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        // multiformats unsigned-varint: non-minimal encodings (a trailing 0x00 byte) are invalid
        if (b == 0 && i > 0) {
          throw new IllegalArgumentException("non-minimal varint length prefix");
        }
        lenOut[0] = i + 1;
        return value;
      }
    }
    throw new IllegalArgumentException("varint length prefix longer than 9 bytes");
  }

  void skip(int n) {
    start += n;
  }

  byte[] take(int n) {
    byte[] out = new byte[n];
    System.arraycopy(data, start, out, 0, n);
    consumed(n);
    return out;
  }

  /**
   * Hands the next {@code n} bytes to {@code decoder} in place (a heap buffer over this array,
   * position at the bytes) and consumes them, also when the decoder throws.
   */
  <T> T decode(int n, Function<ByteBuffer, T> decoder) {
    try {
      // one view per array, positioned for each call (a message per call: a view each was an object
      // per received message); the decoder may move its position, never keep it
      ByteBuffer v = view;
      if (v == null || v.array() != data) {
        v = ByteBuffer.wrap(data);
        view = v;
      }
      v.clear().position(start).limit(start + n);
      decoding = true;
      return decoder.apply(v);
    } finally {
      decoding = false;
      if (clearAfterDecode) {
        clearAfterDecode = false;
        clear();
      } else {
        consumed(n);
      }
    }
  }

  private void consumed(int n) {
    start += n;
    if (start == end) {
      start = 0;
      end = 0;
      goHome(); // a stream that once held a large message does not keep its array

    }
  }

  /**
   * Drops everything readable and gives back the memory; during a decode, once it returns (the
   * decoder's view stays valid, and a pooled array is not given back while it is read).
   */
  void clear() {
    if (decoding) {
      clearAfterDecode = true;
      return;
    }
    goHome();
    if (home.length > 256) {
      home = new byte[256];
      data = home;
      view = null;
    }
    start = 0;
    end = 0;
  }

  /** Back to the stream's own array, the pooled one given back (only when nothing is readable). */
  private void goHome() {
    if (data != home) {
      byte[] pooled = data;
      data = home;
      view = null; // no hold on an array that is the pool's again
      pool.give(pooled);
    }
  }

  /** Everything readable, consumed. */
  byte[] takeAll() {
    return take(readable());
  }
}
