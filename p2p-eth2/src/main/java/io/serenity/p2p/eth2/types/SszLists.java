package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Merkle;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** SSZ {@code List[E, limit]} codecs for the request containers (simple-serialize.md "Lists"). */
final class SszLists {

  private SszLists() {}

  /** {@code List[E, limit]} of a fixed-size element type. */
  static <E> SszCodec<List<E>> fixed(String name, SszCodec<E> elem, int limit) {
    int size = elem.fixedSize();
    if (size <= 0) {
      throw new IllegalArgumentException(name + ": element type must be fixed-size");
    }
    return new SszCodec<>() {
      @Override
      public int fixedSize() {
        return -1;
      }

      @Override
      public byte[] encode(List<E> value) {
        checkCount(name, value.size(), limit);
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.size() * size);
        for (E e : value) {
          out.writeBytes(elem.encode(e));
        }
        return out.toByteArray();
      }

      @Override
      public List<E> decode(byte[] bytes) {
        if (bytes == null) {
          throw new SszException(name + ": null input");
        }
        if (bytes.length % size != 0) {
          throw new SszException(name + ": " + bytes.length + " bytes is not a multiple of " + size);
        }
        int n = bytes.length / size;
        if (n > limit) {
          throw new SszException(name + ": " + n + " elements, the limit is " + limit);
        }
        List<E> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          byte[] one = new byte[size];
          System.arraycopy(bytes, i * size, one, 0, size);
          out.add(elem.decode(one));
        }
        return List.copyOf(out);
      }

      @Override
      public byte[] hashTreeRoot(List<E> value) {
        checkCount(name, value.size(), limit);
        byte[] root;
        if (elem.isBasic()) {
          root = Merkle.merkleize(Merkle.pack(encode(value)), ((long) limit * size + 31) / 32);
        } else {
          List<byte[]> roots = new ArrayList<>(value.size());
          for (E e : value) {
            roots.add(elem.hashTreeRoot(e));
          }
          root = Merkle.merkleize(roots, limit);
        }
        return Merkle.mixInLength(root, value.size());
      }
    };
  }

  /** {@code List[E, limit]} of a variable-size element type (offsets, then the elements). */
  static <E> SszCodec<List<E>> variable(String name, SszCodec<E> elem, int limit) {
    return new SszCodec<>() {
      @Override
      public int fixedSize() {
        return -1;
      }

      @Override
      public byte[] encode(List<E> value) {
        checkCount(name, value.size(), limit);
        List<byte[]> parts = new ArrayList<>(value.size());
        for (E e : value) {
          parts.add(elem.encode(e));
        }
        ByteBuffer offsets = ByteBuffer.allocate(4 * parts.size()).order(ByteOrder.LITTLE_ENDIAN);
        int at = 4 * parts.size();
        for (byte[] p : parts) {
          offsets.putInt(at);
          at += p.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(at);
        out.writeBytes(offsets.array());
        parts.forEach(out::writeBytes);
        return out.toByteArray();
      }

      @Override
      public List<E> decode(byte[] bytes) {
        if (bytes == null) {
          throw new SszException(name + ": null input");
        }
        if (bytes.length == 0) {
          return List.of();
        }
        if (bytes.length < 4) {
          throw new SszException(name + ": " + bytes.length + " bytes cannot hold an offset");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long first = Integer.toUnsignedLong(b.getInt(0));
        if (first % 4 != 0 || first == 0 || first > bytes.length) {
          throw new SszException(name + ": bad first offset " + first);
        }
        int n = (int) (first / 4);
        if (n > limit) {
          throw new SszException(name + ": " + n + " elements, the limit is " + limit);
        }
        List<E> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          long from = Integer.toUnsignedLong(b.getInt(4 * i));
          long to = i + 1 < n ? Integer.toUnsignedLong(b.getInt(4 * (i + 1))) : bytes.length;
          if (from < first || to < from || to > bytes.length) {
            throw new SszException(name + ": offsets out of order or out of range");
          }
          byte[] one = new byte[(int) (to - from)];
          System.arraycopy(bytes, (int) from, one, 0, one.length);
          out.add(elem.decode(one));
        }
        return List.copyOf(out);
      }

      @Override
      public byte[] hashTreeRoot(List<E> value) {
        checkCount(name, value.size(), limit);
        List<byte[]> roots = new ArrayList<>(value.size());
        for (E e : value) {
          roots.add(elem.hashTreeRoot(e));
        }
        return Merkle.mixInLength(Merkle.merkleize(roots, limit), value.size());
      }
    };
  }

  /**
   * A container {@code (prefix..., list)}: fixed-size leading fields of {@code fixedBytes} bytes and
   * one trailing variable-size list. Returns the fixed part and the list's bytes after checking the offset.
   */
  static byte[][] splitTail(String name, byte[] bytes, int fixedBytes) {
    if (bytes == null) {
      throw new SszException(name + ": null input");
    }
    if (bytes.length < fixedBytes + 4) {
      throw new SszException(name + ": expected at least " + (fixedBytes + 4) + " bytes, got " + bytes.length);
    }
    long offset = Integer.toUnsignedLong(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(fixedBytes));
    if (offset != fixedBytes + 4) {
      throw new SszException(name + ": the list's offset must be " + (fixedBytes + 4) + ", is " + offset);
    }
    byte[] head = new byte[fixedBytes];
    System.arraycopy(bytes, 0, head, 0, fixedBytes);
    byte[] tail = new byte[bytes.length - fixedBytes - 4];
    System.arraycopy(bytes, fixedBytes + 4, tail, 0, tail.length);
    return new byte[][] {head, tail};
  }

  /** {@return {@code head || uint32_le(len(head) + 4) || tail}} */
  static byte[] joinTail(byte[] head, byte[] tail) {
    ByteBuffer b = ByteBuffer.allocate(head.length + 4 + tail.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(head).putInt(head.length + 4).put(tail);
    return b.array();
  }

  private static void checkCount(String name, int n, int limit) {
    if (n > limit) {
      throw new IllegalArgumentException(name + ": " + n + " elements, the limit is " + limit);
    }
  }
}
