package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * The req/resp {@code Goodbye} payload (phase0 p2p-interface.md "Goodbye"): a uint64 reason.
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param reason why the sender disconnects ({@link #CLIENT_SHUTDOWN}, ...)
 */
public record Goodbye(long reason) {

  /** The SSZ codec of this container. */
  public static final SszCodec<Goodbye> CODEC = SszContainer.of("Goodbye",
      v -> new Goodbye((Long) v[0]),
      SszContainer.field("reason", Ssz.UINT64, Goodbye::reason));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static Goodbye decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }

  /** Client shut down. */
  public static final long CLIENT_SHUTDOWN = 1;
  /** Irrelevant network. */
  public static final long IRRELEVANT_NETWORK = 2;
  /** Fault/error. */
  public static final long FAULT_ERROR = 3;
}
