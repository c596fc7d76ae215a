package io.serenity.p2p.eth2.enr;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.eth2.types.EnrForkId;
import io.serenity.p2p.eth2.types.MetaData;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * An Ethereum Node Record (EIP-778) under the "v4" identity scheme, with the consensus keys
 * {@code eth2}, {@code attnets}, {@code syncnets} and the libp2p QUIC ports {@code quic} and
 * {@code quic6} (phase0/altair p2p-interface.md "ENR structure"). Immutable; every instance
 * carries a verified signature, whether it was decoded ({@link #decode(byte[])}, {@link
 * #fromText(String)}) or built and signed ({@link #builder()}).
 *
 * <pre>{@code
 * Enr enr = Enr.builder().seq(1).ip(InetAddress.getByName("10.0.0.1")).tcp(9000).udp(9000).quic(9001)
 *     .eth2(new EnrForkId(digest, nextVersion, EnrForkId.FAR_FUTURE_EPOCH))
 *     .attnets(Bitvector.empty(64)).syncnets(Bitvector.empty(4))
 *     .sign(nodeKey);                                  // secp256k1 PrivateKey
 * String text = enr.toText();                          // "enr:-..."
 * Enr peer = Enr.fromText(text);                       // RlpException unless valid and signed
 * Multiaddr dial = peer.tcpMultiaddr().orElseThrow();  // /ip4/10.0.0.1/tcp/9000/p2p/16Uiu2...
 * List<Multiaddr> all = peer.dialMultiaddrs();         // [/ip4/10.0.0.1/udp/9001/quic-v1/p2p/16Uiu2..., tcp]
 * }</pre>
 */
public final class Enr {

  /** EIP-778's limit on a record's RLP encoding. */
  public static final int MAX_SIZE = 300;
  /** Text prefix. */
  public static final String TEXT_PREFIX = "enr:";

  /** Key of the identity scheme, {@code v4}. */
  public static final String KEY_ID = "id";
  /** Key of the compressed secp256k1 public key. */
  public static final String KEY_SECP256K1 = "secp256k1";
  /** Key of the IPv4 address. */
  public static final String KEY_IP = "ip";
  /** Key of the TCP port. */
  public static final String KEY_TCP = "tcp";
  /** Key of the UDP port. */
  public static final String KEY_UDP = "udp";
  /** Key of the IPv6 address. */
  public static final String KEY_IP6 = "ip6";
  /** Key of the IPv6 TCP port. */
  public static final String KEY_TCP6 = "tcp6";
  /** Key of the IPv6 UDP port. */
  public static final String KEY_UDP6 = "udp6";
  /**
   * Key of the UDP port of the libp2p QUIC v1 transport (phase0 p2p-interface.md "ENR structure"), a
   * big-endian integer like {@code tcp}.
   */
  public static final String KEY_QUIC = "quic";
  /** Key of the IPv6 UDP port of the libp2p QUIC v1 transport. */
  public static final String KEY_QUIC6 = "quic6";
  /** Key of the the SSZ {@code ENRForkID} (consensus p2p spec, "ENR structure"). */
  public static final String KEY_ETH2 = "eth2";
  /** Key of the attestation subnets, an SSZ {@code Bitvector[64]}. */
  public static final String KEY_ATTNETS = "attnets";
  /** Key of the sync committee subnets, an SSZ {@code Bitvector[4]}. */
  public static final String KEY_SYNCNETS = "syncnets";

  private final byte[] signature;
  private final long seq;
  /** Keys as ISO-8859-1 strings, so that String order is EIP-778's byte order. */
  private final TreeMap<String, RlpItem> pairs;
  private final byte[] encoded;

  private Enr(byte[] signature, long seq, TreeMap<String, RlpItem> pairs, byte[] encoded) {
    this.signature = signature;
    this.seq = seq;
    this.pairs = pairs;
    this.encoded = encoded;
  }

  /** {@return a builder for a new record} */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- decoding

  /**
   * Parses {@code enr:<base64url without padding>} and verifies it.
   *
   * @param text the text form
   * @return the record
   * @throws RlpException on anything but a valid, signed record of at most 300 bytes
   */
  public static Enr fromText(String text) {
    if (text == null || !text.startsWith(TEXT_PREFIX)) {
      throw new RlpException("enr: text must start with 'enr:'");
    }
    String b64 = text.substring(TEXT_PREFIX.length());
    if (b64.length() > (MAX_SIZE * 4 + 2) / 3) {
      throw new RlpException("enr: text longer than a " + MAX_SIZE + "-byte record");
    }
    for (int i = 0; i < b64.length(); i++) {
      char c = b64.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        throw new RlpException("enr: character '" + c + "' at " + i + " is not base64url without padding");
      }
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new RlpException("enr: bad base64url", e);
    }
    // re-encoding must give the same text: rejects non-zero trailing bits of the last character
    if (!Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(b64)) {
      throw new RlpException("enr: non-canonical base64url");
    }
    return decode(raw);
  }

  /**
   * Decodes an RLP record and verifies its signature.
   *
   * @param rlp the RLP encoding
   * @return the record
   * @throws RlpException on anything but a valid, signed, canonical record of at most 300 bytes
   */
  public static Enr decode(byte[] rlp) {
    RlpItem top = Rlp.decode(rlp, MAX_SIZE);
    if (!(top instanceof RlpItem.Items list)) {
      throw new RlpException("enr: record is not an RLP list");
    }
    List<RlpItem> items = list.items();
    if (items.size() < 2 || items.size() % 2 != 0) {
      throw new RlpException("enr: record must be [signature, seq, k, v, ...], got " + items.size() + " items");
    }
    byte[] sig = bytes(items.get(0), "signature");
    long seq = Rlp.toUnsigned(bytes(items.get(1), "seq"), "enr seq");
    TreeMap<String, RlpItem> pairs = new TreeMap<>();
    String previous = null;
    for (int i = 2; i < items.size(); i += 2) {
      String key = new String(bytes(items.get(i), "key"), StandardCharsets.ISO_8859_1);
      if (previous != null && key.compareTo(previous) <= 0) {
        throw new RlpException("enr: keys not sorted and unique at '" + key + "'");
      }
      previous = key;
      pairs.put(key, items.get(i + 1));
    }
    checkKnownFields(pairs);
    byte[] content = content(seq, pairs);
    if (!V4Identity.verify(rawValue(pairs, KEY_SECP256K1).orElseThrow(), content, sig)) {
      throw new RlpException("enr: signature does not verify");
    }
    return new Enr(sig, seq, pairs, rlp.clone());
  }

  private static void checkKnownFields(Map<String, RlpItem> pairs) {
    byte[] id = rawValue(pairs, KEY_ID).orElseThrow(() -> new RlpException("enr: missing 'id'"));
    if (!V4Identity.ID.equals(new String(id, StandardCharsets.ISO_8859_1))) {
      throw new RlpException("enr: unsupported identity scheme '" + new String(id, StandardCharsets.ISO_8859_1) + "'");
    }
    byte[] key = rawValue(pairs, KEY_SECP256K1).orElseThrow(() -> new RlpException("enr: missing 'secp256k1'"));
    V4Identity.decodePoint(key);
    checkLength(pairs, KEY_IP, 4);
    checkLength(pairs, KEY_IP6, 16);
    for (String port : List.of(KEY_TCP, KEY_UDP, KEY_TCP6, KEY_UDP6, KEY_QUIC, KEY_QUIC6)) {
      port(pairs, port);
    }
    try {
      rawValue(pairs, KEY_ETH2).ifPresent(EnrForkId::decode);
      rawValue(pairs, KEY_ATTNETS).ifPresent(Ssz.bitvector(MetaData.ATTESTATION_SUBNET_COUNT)::decode);
      rawValue(pairs, KEY_SYNCNETS).ifPresent(Ssz.bitvector(MetaData.SYNC_COMMITTEE_SUBNET_COUNT)::decode);
    } catch (SszException e) {
      throw new RlpException("enr: " + e.getMessage(), e);
    }
  }

  private static void checkLength(Map<String, RlpItem> pairs, String key, int len) {
    Optional<byte[]> v = rawValue(pairs, key);
    if (v.isPresent() && v.get().length != len) {
      throw new RlpException("enr: '" + key + "' must be " + len + " bytes, got " + v.get().length);
    }
  }

  private static OptionalInt port(Map<String, RlpItem> pairs, String key) {
    Optional<byte[]> v = rawValue(pairs, key);
    if (v.isEmpty()) {
      return OptionalInt.empty();
    }
    long p = Rlp.toUnsigned(v.get(), "enr " + key);
    if (p > 0xffff) {
      throw new RlpException("enr: '" + key + "' port out of range: " + p);
    }
    return OptionalInt.of((int) p);
  }

  private static Optional<byte[]> rawValue(Map<String, RlpItem> pairs, String key) {
    RlpItem v = pairs.get(key);
    if (v == null) {
      return Optional.empty();
    }
    return Optional.of(bytes(v, "value of '" + key + "'"));
  }

  private static byte[] bytes(RlpItem item, String what) {
    if (item instanceof RlpItem.Bytes b) {
      return b.value();
    }
    throw new RlpException("enr: " + what + " must be a byte string, got a list");
  }

  /** RLP of [seq, k, v, ...]: what the signature covers. */
  private static byte[] content(long seq, TreeMap<String, RlpItem> pairs) {
    List<byte[]> items = new ArrayList<>();
    items.add(Rlp.encodeUnsigned(seq));
    for (Map.Entry<String, RlpItem> e : pairs.entrySet()) {
      items.add(Rlp.encodeBytes(e.getKey().getBytes(StandardCharsets.ISO_8859_1)));
      items.add(e.getValue().encoded());
    }
    return Rlp.encodeList(items);
  }

  // ---------------------------------------------------------------- accessors

  /** {@return the RLP encoding (at most 300 bytes)} */
  public byte[] toRlp() {
    return encoded.clone();
  }

  /** {@return {@code enr:} followed by the base64url encoding of the RLP, without padding} */
  public String toText() {
    return TEXT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(encoded);
  }

  /** {@return the sequence number (uint64 read as unsigned)} */
  public long seq() {
    return seq;
  }

  /** {@return the 64-byte r || s signature} */
  public byte[] signature() {
    return signature.clone();
  }

  /** {@return the keys present, in record order} */
  public List<String> keys() {
    return List.copyOf(pairs.keySet());
  }

  /**
   * {@return the value of a key when it is a byte string}
   *
   * @param key the key
   */
  public Optional<byte[]> get(String key) {
    RlpItem v = pairs.get(key);
    return v instanceof RlpItem.Bytes b ? Optional.of(b.value()) : Optional.empty();
  }

  /**
   * {@return the raw RLP item under a key (byte string or list)}
   *
   * @param key the key
   */
  public Optional<RlpItem> getItem(String key) {
    return Optional.ofNullable(pairs.get(key));
  }

  /** {@return the 33-byte compressed secp256k1 public key} */
  public byte[] publicKey() {
    return get(KEY_SECP256K1).orElseThrow();
  }

  /** {@return the discovery node id: keccak256 of the uncompressed public key (x || y)} */
  public byte[] nodeId() {
    return V4Identity.nodeId(publicKey());
  }

  /**
   * {@return the discovery node id of a secp256k1 public key: keccak256 of its uncompressed x || y}
   *
   * @param compressedPublicKey the 33-byte compressed key
   * @throws RlpException when the bytes are not a valid compressed secp256k1 point
   */
  public static byte[] nodeIdOf(byte[] compressedPublicKey) {
    return V4Identity.nodeId(compressedPublicKey);
  }

  /** {@return the libp2p PeerId of the record's secp256k1 key} */
  public PeerId peerId() {
    return PeerId.fromPublicKey(PublicKey.fromRaw(KeyType.SECP256K1, publicKey()));
  }

  /** {@return the {@code ip} field (IPv4)} */
  public Optional<InetAddress> ip() {
    return get(KEY_IP).map(Enr::address);
  }

  /** {@return the {@code ip6} field (IPv6)} */
  public Optional<InetAddress> ip6() {
    return get(KEY_IP6).map(Enr::address);
  }

  /** {@return the {@code tcp} port} */
  public OptionalInt tcp() {
    return port(pairs, KEY_TCP);
  }

  /** {@return the {@code udp} port (discovery)} */
  public OptionalInt udp() {
    return port(pairs, KEY_UDP);
  }

  /** {@return the {@code tcp6} port (IPv6; when absent, {@code tcp} applies to ip6 too)} */
  public OptionalInt tcp6() {
    return port(pairs, KEY_TCP6);
  }

  /** {@return the {@code udp6} port} */
  public OptionalInt udp6() {
    return port(pairs, KEY_UDP6);
  }

  /** {@return the {@code quic} port: the UDP port of libp2p's QUIC v1 transport on {@code ip}} */
  public OptionalInt quic() {
    return port(pairs, KEY_QUIC);
  }

  /**
   * {@return the {@code quic6} port: the UDP port of libp2p's QUIC v1 transport on {@code ip6}}
   * Unlike {@code tcp6}, an absent {@code quic6} does not fall back to {@code quic}, as other
   * readers of the key ({@code @chainsafe/enr}, Lighthouse) do not.
   */
  public OptionalInt quic6() {
    return port(pairs, KEY_QUIC6);
  }

  /** {@return the {@code eth2} field: the node's ENRForkID} */
  public Optional<EnrForkId> eth2() {
    return get(KEY_ETH2).map(EnrForkId::decode);
  }

  /** {@return the {@code attnets} field, a Bitvector[64]} */
  public Optional<Bitvector> attnets() {
    return get(KEY_ATTNETS).map(Ssz.bitvector(MetaData.ATTESTATION_SUBNET_COUNT)::decode);
  }

  /** {@return the {@code syncnets} field, a Bitvector[4]} */
  public Optional<Bitvector> syncnets() {
    return get(KEY_SYNCNETS).map(Ssz.bitvector(MetaData.SYNC_COMMITTEE_SUBNET_COUNT)::decode);
  }

  /** {@return {@code /ip4/<ip>/tcp/<tcp>/p2p/<peer id>} when the record has ip and tcp} */
  public Optional<Multiaddr> tcpMultiaddr() {
    if (ip().isEmpty() || tcp().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(withPeer(new InetSocketAddress(ip().get(), tcp().getAsInt())));
  }

  /** {@return {@code /ip6/<ip6>/tcp/<tcp6>/p2p/<peer id>}; {@code tcp6} falls back to {@code tcp} (EIP-778)} */
  public Optional<Multiaddr> tcp6Multiaddr() {
    OptionalInt port = tcp6().isPresent() ? tcp6() : tcp();
    if (ip6().isEmpty() || port.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(withPeer(new InetSocketAddress(ip6().get(), port.getAsInt())));
  }

  /** {@return {@code /ip4/<ip>/udp/<quic>/quic-v1/p2p/<peer id>} when the record has ip and quic} */
  public Optional<Multiaddr> quicMultiaddr() {
    if (ip().isEmpty() || quic().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(withPeer(Multiaddr.quic(new InetSocketAddress(ip().get(), quic().getAsInt()))));
  }

  /** {@return {@code /ip6/<ip6>/udp/<quic6>/quic-v1/p2p/<peer id>} when the record has ip6 and quic6} */
  public Optional<Multiaddr> quic6Multiaddr() {
    if (ip6().isEmpty() || quic6().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(withPeer(Multiaddr.quic(new InetSocketAddress(ip6().get(), quic6().getAsInt()))));
  }

  /**
   * The addresses to dial the record's node at, best first: QUIC before TCP (the consensus specs ask
   * clients to prefer a peer's QUIC address), IPv4 before IPv6 within each, so that a dial falls back
   * to TCP when QUIC fails. Each ends in {@code /p2p/<peer id>}.
   *
   * <pre>{@code
   * host.connect(new PeerInfo(enr.peerId(), enr.dialMultiaddrs().stream().map(Multiaddr::withoutPeerId).toList()));
   * }</pre>
   *
   * @return the QUIC and TCP addresses present, in dial order; empty when the record has none
   */
  public List<Multiaddr> dialMultiaddrs() {
    List<Multiaddr> out = new ArrayList<>(4);
    quicMultiaddr().ifPresent(out::add);
    quic6Multiaddr().ifPresent(out::add);
    tcpMultiaddr().ifPresent(out::add);
    tcp6Multiaddr().ifPresent(out::add);
    return List.copyOf(out);
  }

  private Multiaddr withPeer(InetSocketAddress address) {
    return withPeer(Multiaddr.tcp(address));
  }

  private Multiaddr withPeer(Multiaddr address) {
    return address.encapsulate(Multiaddr.parse("/p2p/" + peerId().toBase58()));
  }

  private static InetAddress address(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new RlpException("enr: bad address length " + raw.length, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Enr e && Arrays.equals(encoded, e.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return toText();
  }

  // ---------------------------------------------------------------- building

  /** Collects fields, then {@link #sign(PrivateKey)} makes the record. Not thread-safe. */
  public static final class Builder {

    private long seq = 1;
    private final TreeMap<String, RlpItem> pairs = new TreeMap<>();

    private Builder() {}

    /**
     * Starts from an existing record's fields and seq (to update it; bump the seq).
     *
     * @param enr the record to start from
     * @return this builder
     */
    public Builder from(Enr enr) {
      pairs.clear();
      pairs.putAll(enr.pairs);
      seq = enr.seq;
      return this;
    }

    /**
     * Sets the sequence number; default 1.
     *
     * @param v the sequence number
     * @return this builder
     */
    public Builder seq(long v) {
      seq = v;
      return this;
    }

    /**
     * Sets {@code ip} for an IPv4 address, {@code ip6} for an IPv6 one.
     *
     * @param address the address
     * @return this builder
     */
    public Builder ip(InetAddress address) {
      if (address instanceof Inet4Address) {
        return set(KEY_IP, address.getAddress());
      }
      if (address instanceof Inet6Address) {
        return set(KEY_IP6, address.getAddress());
      }
      throw new IllegalArgumentException("unknown address type " + address);
    }

    /**
     * Sets the {@code tcp} port.
     *
     * @param port the port
     * @return this builder
     */
    public Builder tcp(int port) {
      return set(KEY_TCP, portBytes(port));
    }

    /**
     * Sets the {@code udp} port.
     *
     * @param port the port
     * @return this builder
     */
    public Builder udp(int port) {
      return set(KEY_UDP, portBytes(port));
    }

    /**
     * Sets the {@code tcp6} port.
     *
     * @param port the port
     * @return this builder
     */
    public Builder tcp6(int port) {
      return set(KEY_TCP6, portBytes(port));
    }

    /**
     * Sets the {@code udp6} port.
     *
     * @param port the port
     * @return this builder
     */
    public Builder udp6(int port) {
      return set(KEY_UDP6, portBytes(port));
    }

    /**
     * Sets the {@code quic} port: the UDP port of our libp2p QUIC v1 listener on {@code ip}.
     *
     * @param port the port
     * @return this builder
     */
    public Builder quic(int port) {
      return set(KEY_QUIC, portBytes(port));
    }

    /**
     * Sets the {@code quic6} port: the UDP port of our libp2p QUIC v1 listener on {@code ip6}.
     *
     * @param port the port
     * @return this builder
     */
    public Builder quic6(int port) {
      return set(KEY_QUIC6, portBytes(port));
    }

    /**
     * Sets the {@code eth2} field: SSZ of the ENRForkID.
     *
     * @param forkId the fork id
     * @return this builder
     */
    public Builder eth2(EnrForkId forkId) {
      return set(KEY_ETH2, forkId.encode());
    }

    /**
     * Sets the {@code attnets} field: SSZ Bitvector[64].
     *
     * @param v the attestation subnets
     * @return this builder
     */
    public Builder attnets(Bitvector v) {
      return set(KEY_ATTNETS, Ssz.bitvector(MetaData.ATTESTATION_SUBNET_COUNT).encode(v));
    }

    /**
     * Sets the {@code syncnets} field: SSZ Bitvector[4].
     *
     * @param v the sync committee subnets
     * @return this builder
     */
    public Builder syncnets(Bitvector v) {
      return set(KEY_SYNCNETS, Ssz.bitvector(MetaData.SYNC_COMMITTEE_SUBNET_COUNT).encode(v));
    }

    /**
     * Sets any key with a byte-string value ({@code id} and {@code secp256k1} are set by signing).
     *
     * @param key the key
     * @param value its bytes
     * @return this builder
     */
    public Builder set(String key, byte[] value) {
      pairs.put(checkKey(key), new RlpItem.Bytes(value));
      return this;
    }

    /**
     * Sets any key with an arbitrary RLP value.
     *
     * @param key the key
     * @param value its RLP item
     * @return this builder
     */
    public Builder setItem(String key, RlpItem value) {
      pairs.put(checkKey(key), value);
      return this;
    }

    /**
     * Removes a key.
     *
     * @param key the key
     * @return this builder
     */
    public Builder remove(String key) {
      pairs.remove(key);
      return this;
    }

    /**
     * Signs with a secp256k1 key (sets {@code id} = "v4" and {@code secp256k1}).
     *
     * @param key the node's secp256k1 key
     * @return the signed record
     * @throws IllegalArgumentException when the key is not secp256k1 or the record exceeds 300 bytes
     */
    public Enr sign(PrivateKey key) {
      if (key.type() != KeyType.SECP256K1) {
        throw new IllegalArgumentException("ENR v4 needs a secp256k1 key, got " + key.type());
      }
      byte[] priv = key.raw();
      TreeMap<String, RlpItem> p = new TreeMap<>(pairs);
      p.put(KEY_ID, new RlpItem.Bytes(V4Identity.ID.getBytes(StandardCharsets.ISO_8859_1)));
      p.put(KEY_SECP256K1, new RlpItem.Bytes(V4Identity.publicKey(priv)));
      byte[] content = content(seq, p);
      byte[] sig = V4Identity.sign(priv, content);
      List<byte[]> items = new ArrayList<>();
      items.add(Rlp.encodeBytes(sig));
      items.add(Rlp.encodeUnsigned(seq));
      for (Map.Entry<String, RlpItem> e : p.entrySet()) {
        items.add(Rlp.encodeBytes(e.getKey().getBytes(StandardCharsets.ISO_8859_1)));
        items.add(e.getValue().encoded());
      }
      byte[] encoded = Rlp.encodeList(items);
      if (encoded.length > MAX_SIZE) {
        throw new IllegalArgumentException("record of " + encoded.length + " bytes exceeds " + MAX_SIZE);
      }
      return new Enr(sig, seq, p, encoded);
    }

    private static String checkKey(String key) {
      if (key.isEmpty() || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(key)) {
        throw new IllegalArgumentException("ENR keys must be non-empty Latin-1/ASCII text: " + key);
      }
      if (KEY_ID.equals(key) || KEY_SECP256K1.equals(key)) {
        throw new IllegalArgumentException("'" + key + "' is set by sign()");
      }
      return key;
    }

    private static byte[] portBytes(int port) {
      if (port < 0 || port > 0xffff) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      return Rlp.unsignedBytes(port);
    }
  }

  /** Unmodifiable view for diagnostics. */
  Map<String, RlpItem> pairs() {
    return Collections.unmodifiableMap(pairs);
  }
}
