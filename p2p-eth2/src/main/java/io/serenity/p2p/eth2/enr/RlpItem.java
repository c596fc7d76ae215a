package io.serenity.p2p.eth2.enr;

import java.util.Arrays;
import java.util.List;

/**
 * A decoded RLP item (Ethereum yellow paper, appendix B): a byte string or a list of items. Each
 * item keeps its own canonical encoding, so unknown ENR values can be carried verbatim.
 */
public sealed interface RlpItem permits RlpItem.Bytes, RlpItem.Items {

  /** {@return the canonical RLP encoding of this item} */
  byte[] encoded();

  /**
   * A byte string.
   *
   * @param value the bytes
   */
  record Bytes(byte[] value) implements RlpItem {

    /** Copies the bytes. */
    public Bytes {
      value = value.clone();
    }

    /** {@return a copy of the byte string} */
    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public byte[] encoded() {
      return Rlp.encodeBytes(value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "0x" + java.util.HexFormat.of().formatHex(value);
    }
  }

  /**
   * A list.
   *
   * @param items the list's items
   */
  record Items(List<RlpItem> items) implements RlpItem {

    /** Copies the list. */
    public Items {
      items = List.copyOf(items);
    }

    @Override
    public byte[] encoded() {
      return Rlp.encodeList(items.stream().map(RlpItem::encoded).toList());
    }
  }
}
