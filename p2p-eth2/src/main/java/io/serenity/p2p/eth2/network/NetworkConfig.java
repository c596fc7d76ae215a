package io.serenity.p2p.eth2.network;

import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One chain as a node joins it: its {@link ChainConfig}, genesis time and genesis validators root
 * (which {@code config.yaml} does not hold), the resulting {@link ForkSchedule}, and bootnode ENRs.
 * Adds the wall clock: {@link #slotAt}, {@link #epochAt}, {@link #currentForkDigest},
 * {@link #enrForkId(Instant)}, {@link #nextForkDigest(Instant)}.
 *
 * <p>Before genesis, slot and epoch are 0 (the genesis fork applies). Get a preset from
 * {@link Network#config()}, or build one from a {@code config.yaml}:
 *
 * <pre>{@code
 * NetworkConfig net = NetworkConfig.of(ChainConfig.parse(Path.of("config.yaml")),
 *     Instant.ofEpochSecond(genesisTime), Bytes32.fromHex(genesisValidatorsRoot), bootnodes);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class NetworkConfig {

  private final ChainConfig chain;
  private final Instant genesisTime;
  private final ForkSchedule schedule;
  private final List<String> bootnodes;

  private NetworkConfig(ChainConfig chain, Instant genesisTime, ForkSchedule schedule,
      List<String> bootnodes) {
    this.chain = chain;
    this.genesisTime = genesisTime;
    this.schedule = schedule;
    this.bootnodes = bootnodes;
  }

  /**
   * Combines a parsed config with the chain's genesis.
   *
   * @param chain the parsed {@code config.yaml}
   * @param genesisTime the genesis time ({@code genesis_time} of the genesis state)
   * @param genesisValidatorsRoot the genesis validators root
   * @param bootnodes bootnode records in text form ({@code enr:...}); not verified here
   * @return the network
   * @throws IllegalArgumentException when a bootnode does not start with {@code enr:}
   */
  public static NetworkConfig of(ChainConfig chain, Instant genesisTime,
      Bytes32 genesisValidatorsRoot, List<String> bootnodes) {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(genesisTime, "genesisTime");
    for (String b : bootnodes) {
      if (!b.startsWith("enr:")) {
        throw new IllegalArgumentException("bootnode is not an enr: record: " + b);
      }
    }
    return new NetworkConfig(chain, genesisTime, new ForkSchedule(chain, genesisValidatorsRoot),
        List.copyOf(bootnodes));
  }

  /** {@return the config name ({@code CONFIG_NAME})} */
  public String name() {
    return chain.name();
  }

  /** {@return the parsed config} */
  public ChainConfig chainConfig() {
    return chain;
  }

  /** {@return the fork schedule} */
  public ForkSchedule forkSchedule() {
    return schedule;
  }

  /** {@return the genesis time} */
  public Instant genesisTime() {
    return genesisTime;
  }

  /** {@return the genesis validators root} */
  public Bytes32 genesisValidatorsRoot() {
    return schedule.genesisValidatorsRoot();
  }

  /** {@return the slot duration} */
  public Duration slotDuration() {
    return Duration.ofMillis(chain.slotDurationMillis());
  }

  /** {@return slots per epoch} */
  public int slotsPerEpoch() {
    return chain.slotsPerEpoch();
  }

  /** {@return the bootnode records, {@code enr:...} text} */
  public List<String> bootnodes() {
    return bootnodes;
  }

  /**
   * {@return the slot at {@code time}; 0 before genesis}
   *
   * @param time a wall-clock instant
   */
  public long slotAt(Instant time) {
    if (!time.isAfter(genesisTime)) {
      return 0;
    }
    Duration since = Duration.between(genesisTime, time);
    long millis;
    try {
      millis = since.toMillis();
    } catch (ArithmeticException e) {
      millis = Long.MAX_VALUE;
    }
    return millis / chain.slotDurationMillis();
  }

  /**
   * {@return the epoch at {@code time}; 0 before genesis}
   *
   * @param time a wall-clock instant
   */
  public long epochAt(Instant time) {
    return slotAt(time) / chain.slotsPerEpoch();
  }

  /**
   * {@return the instant the epoch starts}
   *
   * @param epoch an epoch
   * @throws ArithmeticException when the instant is beyond what {@link Instant} holds
   */
  public Instant epochStart(long epoch) {
    if (epoch < 0) {
      throw new ArithmeticException("epoch beyond 2^63 - 1");
    }
    long millis = Math.multiplyExact(Math.multiplyExact(epoch, (long) chain.slotsPerEpoch()),
        chain.slotDurationMillis());
    return genesisTime.plusMillis(millis);
  }

  /**
   * {@return the fork digest in force at {@code time}}
   *
   * @param time a wall-clock instant
   */
  public Bytes4 currentForkDigest(Instant time) {
    return schedule.forkDigest(epochAt(time));
  }

  /**
   * {@return the ENR {@code eth2} value at {@code time}}
   *
   * @param time a wall-clock instant
   */
  public EnrForkId enrForkId(Instant time) {
    return schedule.enrForkId(epochAt(time));
  }

  /**
   * {@return the ENR {@code nfd} value at {@code time}}
   *
   * @param time a wall-clock instant
   */
  public Bytes4 nextForkDigest(Instant time) {
    return schedule.nextForkDigest(epochAt(time));
  }

  @Override
  public String toString() {
    return "NetworkConfig[" + name() + ", genesis " + genesisTime + ", " + schedule + "]";
  }
}
