package io.serenity.p2p.eth2.ssz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Function;

/**
 * Codecs for the SSZ basic types and fixed byte vectors (simple-serialize.md "Basic types",
 * "Composite types"). Unsigned integers are little endian; {@code uint64} travels in a Java
 * {@code long} read as unsigned ({@link Long#toUnsignedString(long)}), {@code uint32} in a long,
 * {@code uint8}/{@code uint16} in an int.
 */
public final class Ssz {

  private Ssz() {}

  /** {@code uint8}. */
  public static final SszCodec<Integer> UINT8 = basic("uint8", 1,
      (v, b) -> {
        checkRange("uint8", v, 0xff);
        b.put((byte) (int) v);
      },
      b -> b.get() & 0xff);

  /** {@code uint16}. */
  public static final SszCodec<Integer> UINT16 = basic("uint16", 2,
      (v, b) -> {
        checkRange("uint16", v, 0xffff);
        b.putShort((short) (int) v);
      },
      b -> b.getShort() & 0xffff);

  /** {@code uint32}, held in a long in {@code [0, 2^32)}. */
  public static final SszCodec<Long> UINT32 = basic("uint32", 4,
      (v, b) -> {
        if (v < 0 || v > 0xffffffffL) {
          throw new IllegalArgumentException("uint32 out of range: " + v);
        }
        b.putInt((int) (long) v);
      },
      b -> b.getInt() & 0xffffffffL);

  /** {@code uint64}, held in a long read as unsigned. */
  public static final SszCodec<Long> UINT64 = basic("uint64", 8, (v, b) -> b.putLong(v), ByteBuffer::getLong);

  /** {@code boolean}: one byte, 0 or 1 (any other value is rejected). */
  public static final SszCodec<Boolean> BOOLEAN = basic("boolean", 1,
      (v, b) -> b.put((byte) (v ? 1 : 0)),
      b -> {
        int x = b.get() & 0xff;
        if (x > 1) {
          throw new SszException("boolean: byte must be 0 or 1, got " + x);
        }
        return x == 1;
      });

  /** {@code Bytes4} ({@code Version}, {@code ForkDigest}, {@code DomainType}). */
  public static final SszCodec<Bytes4> BYTES4 = vector("Bytes4", Bytes4.SIZE, Bytes4::new, Bytes4::bytes);

  /** {@code Bytes32} ({@code Root}). */
  public static final SszCodec<Bytes32> BYTES32 = vector("Bytes32", Bytes32.SIZE, Bytes32::new, Bytes32::bytes);

  /**
   * {@return {@code Bitvector[length]}}
   *
   * @param length the number of bits
   */
  public static SszCodec<Bitvector> bitvector(int length) {
    if (length <= 0) {
      throw new IllegalArgumentException("Bitvector length must be positive");
    }
    int size = (length + 7) / 8;
    String name = "Bitvector[" + length + "]";
    return vector(name, size, b -> new Bitvector(length, b), v -> {
      if (v.length() != length) {
        throw new IllegalArgumentException(name + " given a Bitvector[" + v.length() + "]");
      }
      return v.bytes();
    });
  }

  /**
   * {@return {@code Vector[byte, size]} mapped to a Java type by {@code wrap}/{@code unwrap}}
   *
   * @param <T> the Java type
   * @param name the type's name in error messages
   * @param size the length in bytes
   * @param wrap makes a value from its bytes
   * @param unwrap gives a value's bytes
   */
  public static <T> SszCodec<T> vector(String name, int size, Function<byte[], T> wrap, Function<T, byte[]> unwrap) {
    return new SszCodec<>() {
      @Override
      public int fixedSize() {
        return size;
      }

      @Override
      public byte[] encode(T value) {
        byte[] b = unwrap.apply(value);
        if (b.length != size) {
          throw new IllegalArgumentException(name + ": value has " + b.length + " bytes");
        }
        return b;
      }

      @Override
      public T decode(byte[] bytes) {
        SszCodec.exact(bytes, size, name);
        return wrap.apply(bytes.clone());
      }

      @Override
      public byte[] hashTreeRoot(T value) {
        // A byte vector packs into ceil(size/32) chunks, merkleized without a length mix-in.
        return Merkle.merkleize(Merkle.pack(encode(value)), (size + 31) / 32);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  interface Writer<T> {
    void write(T value, ByteBuffer out);
  }

  private static <T> SszCodec<T> basic(String name, int size, Writer<T> writer, Function<ByteBuffer, T> reader) {
    return new SszCodec<>() {
      @Override
      public int fixedSize() {
        return size;
      }

      @Override
      public byte[] encode(T value) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        writer.write(value, b);
        return b.array();
      }

      @Override
      public T decode(byte[] bytes) {
        return reader.apply(SszCodec.exact(bytes, size, name));
      }

      @Override
      public byte[] hashTreeRoot(T value) {
        // A basic value's root is its serialisation right-padded to one chunk.
        return Merkle.pack(encode(value)).get(0);
      }

      @Override
      public boolean isBasic() {
        return true;
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  private static void checkRange(String name, int v, int max) {
    if (v < 0 || v > max) {
      throw new IllegalArgumentException(name + " out of range: " + v);
    }
  }
}
