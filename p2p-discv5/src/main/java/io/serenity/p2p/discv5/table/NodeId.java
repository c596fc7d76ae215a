package io.serenity.p2p.discv5.table;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte discv5 node id (keccak256 of the node's public key), with the XOR metric of
 * discv5-theory.md, "Nodes, Records and Distances".
 *
 * @param bytes the 32 bytes
 */
public record NodeId(byte[] bytes) implements Comparable<NodeId> {

  /** Size of a node id. */
  public static final int SIZE = 32;

  /** Checks the size and copies the bytes. */
  public NodeId {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("node id must be 32 bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  /**
   * {@return a node id from 64 hex digits}
   *
   * @param hex the id in hex
   */
  public static NodeId fromHex(String hex) {
    return new NodeId(HexFormat.of().parseHex(hex));
  }

  /** {@return a copy of the bytes} */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * {@return the log distance to another id: the bit length of {@code this XOR other}, 0..256}
   *
   * @param other the other id
   */
  public int logDistance(NodeId other) {
    for (int i = 0; i < SIZE; i++) {
      int x = (bytes[i] ^ other.bytes[i]) & 0xff;
      if (x != 0) {
        return (SIZE - i) * 8 - Integer.numberOfLeadingZeros(x) + 24;
      }
    }
    return 0;
  }

  /**
   * Compares the XOR distances of two ids to this one.
   *
   * @param a one id
   * @param b another id
   * @return negative when {@code a} is closer to this id than {@code b}, 0 when equal, else positive
   */
  public int compareDistance(NodeId a, NodeId b) {
    for (int i = 0; i < SIZE; i++) {
      int da = (a.bytes[i] ^ bytes[i]) & 0xff;
      int db = (b.bytes[i] ^ bytes[i]) & 0xff;
      if (da != db) {
        return Integer.compare(da, db);
      }
    }
    return 0;
  }

  /** Unsigned lexicographic order of the bytes. */
  @Override
  public int compareTo(NodeId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeId n && Arrays.equals(bytes, n.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** {@return the id in hex} */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
