package io.serenity.p2p.eth2.ssz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A codec for a fixed-size SSZ container: the fields serialised in order, and a
 * {@code hash_tree_root} that merkleizes the fields' roots. Only fixed-size fields are supported
 * (every container of the networking profile is fixed size); a variable-size type is rejected when
 * the codec is built.
 *
 * <pre>{@code
 * SszCodec<ForkData> codec = SszContainer.of("ForkData",
 *     v -> new ForkData((Bytes4) v[0], (Bytes32) v[1]),
 *     SszContainer.field("current_version", Ssz.BYTES4, ForkData::currentVersion),
 *     SszContainer.field("genesis_validators_root", Ssz.BYTES32, ForkData::genesisValidatorsRoot));
 * }</pre>
 *
 * @param <T> the record type
 */
public final class SszContainer<T> implements SszCodec<T> {

  /**
   * One field: its spec name, codec and accessor.
   *
   * @param <T> the container type
   * @param <F> the field type
   * @param name the field's name in the spec
   * @param codec the field's codec
   * @param getter reads the field from a container
   */
  public record Field<T, F>(String name, SszCodec<F> codec, Function<T, F> getter) {

    byte[] encodeFrom(T owner) {
      return codec.encode(getter.apply(owner));
    }

    byte[] rootFrom(T owner) {
      return codec.hashTreeRoot(getter.apply(owner));
    }
  }

  private final String name;
  private final Function<Object[], T> constructor;
  private final List<Field<T, ?>> fields;
  private final int size;

  private SszContainer(String name, Function<Object[], T> constructor, List<Field<T, ?>> fields) {
    this.name = name;
    this.constructor = constructor;
    this.fields = List.copyOf(fields);
    int s = 0;
    for (Field<T, ?> f : fields) {
      if (f.codec().fixedSize() < 0) {
        throw new IllegalArgumentException(name + "." + f.name() + " is variable-size: not supported");
      }
      s += f.codec().fixedSize();
    }
    this.size = s;
  }

  /**
   * Declares a field.
   *
   * @param <T> the container type
   * @param <F> the field type
   * @param name the field's name in the spec
   * @param codec the field's codec
   * @param getter reads the field from a container
   * @return the field
   */
  public static <T, F> Field<T, F> field(String name, SszCodec<F> codec, Function<T, F> getter) {
    return new Field<>(name, codec, getter);
  }

  /**
   * Builds the codec; {@code constructor} receives the decoded field values in declaration order.
   *
   * @param <T> the container type
   * @param name the type's name in error messages
   * @param constructor makes a container from its field values
   * @param fields the fields in spec order
   * @return the codec
   */
  @SafeVarargs
  public static <T> SszContainer<T> of(String name, Function<Object[], T> constructor, Field<T, ?>... fields) {
    if (fields.length == 0) {
      throw new IllegalArgumentException("an SSZ container needs at least one field");
    }
    List<Field<T, ?>> list = new ArrayList<>(fields.length);
    for (Field<T, ?> f : fields) {
      list.add(f);
    }
    return new SszContainer<>(name, constructor, list);
  }

  @Override
  public int fixedSize() {
    return size;
  }

  @Override
  public byte[] encode(T value) {
    byte[] out = new byte[size];
    int off = 0;
    for (Field<T, ?> f : fields) {
      byte[] b = f.encodeFrom(value);
      System.arraycopy(b, 0, out, off, b.length);
      off += b.length;
    }
    return out;
  }

  @Override
  public T decode(byte[] bytes) {
    SszCodec.exact(bytes, size, name);
    Object[] values = new Object[fields.size()];
    int off = 0;
    for (int i = 0; i < fields.size(); i++) {
      SszCodec<?> c = fields.get(i).codec();
      byte[] part = new byte[c.fixedSize()];
      System.arraycopy(bytes, off, part, 0, part.length);
      off += part.length;
      values[i] = c.decode(part);
    }
    return constructor.apply(values);
  }

  @Override
  public byte[] hashTreeRoot(T value) {
    List<byte[]> roots = new ArrayList<>(fields.size());
    for (Field<T, ?> f : fields) {
      roots.add(f.rootFrom(value));
    }
    return Merkle.merkleize(roots);
  }

  @Override
  public String toString() {
    return name;
  }
}
