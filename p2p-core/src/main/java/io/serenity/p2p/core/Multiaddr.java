package io.serenity.p2p.core;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A multiaddr (github.com/multiformats/multiaddr): a self-describing network address such as
 * {@code /ip4/127.0.0.1/tcp/4001/p2p/16Uiu2HAm…}. Binary form: for each component {@code varint(code)} then its
 * value (fixed size, or {@code varint(length)} and bytes). Equality is by binary form.
 *
 * <p>Supported: ip4, ip6 (printed in RFC 5952 compressed form), tcp, udp (ports 0..65535), dns, dns4, dns6,
 * dnsaddr (non-empty UTF-8 without '/'), p2p (accepts the {@code ipfs} alias on input, always prints
 * {@code /p2p/}; value is a peer id), and the value-less quic, quic-v1, p2p-circuit, tls, noise, webtransport,
 * ws, wss. Anything else is rejected with a {@link FormatException} naming it.
 *
 * <pre>{@code
 * Multiaddr a = Multiaddr.parse("/ip4/1.2.3.4/tcp/4001/p2p/16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY");
 * a.peerId();                 // Optional[16Uiu2HAm…]
 * a.withoutPeerId();          // /ip4/1.2.3.4/tcp/4001
 * a.toTcpSocketAddress();     // 1.2.3.4:4001
 * }</pre>
 */
public final class Multiaddr {
  /** Largest binary multiaddr accepted by {@link #fromBytes(byte[])}. */
  public static final int MAX_BYTES = 1024;
  /** Longest text accepted by {@link #parse(String)}. */
  public static final int MAX_TEXT_LENGTH = 4096;

  private static final Multiaddr EMPTY = new Multiaddr(List.of(), new byte[0]);

  /** How a protocol's value is laid out in the binary form. */
  enum ValueKind {
    NONE,
    FIXED,
    LENGTH_PREFIXED
  }

  /** Multiaddr protocols this implementation understands, with their multicodec code. */
  public enum Protocol {
    /** IPv4 address, 4 bytes. */
    IP4(4, "ip4", ValueKind.FIXED, 4),
    /** TCP port, 2 bytes big-endian. */
    TCP(6, "tcp", ValueKind.FIXED, 2),
    /** UDP port, 2 bytes big-endian. */
    UDP(273, "udp", ValueKind.FIXED, 2),
    /** IPv6 address, 16 bytes. */
    IP6(41, "ip6", ValueKind.FIXED, 16),
    /** DNS name, resolved to any address family. */
    DNS(53, "dns", ValueKind.LENGTH_PREFIXED, 0),
    /** DNS name resolved to IPv4. */
    DNS4(54, "dns4", ValueKind.LENGTH_PREFIXED, 0),
    /** DNS name resolved to IPv6. */
    DNS6(55, "dns6", ValueKind.LENGTH_PREFIXED, 0),
    /** DNS name whose TXT records hold multiaddrs. */
    DNSADDR(56, "dnsaddr", ValueKind.LENGTH_PREFIXED, 0),
    /** Peer id; {@code ipfs} is accepted as a text alias. */
    P2P(421, "p2p", ValueKind.LENGTH_PREFIXED, 0),
    /** Circuit relay marker. */
    P2P_CIRCUIT(290, "p2p-circuit", ValueKind.NONE, 0),
    /** TLS marker. */
    TLS(448, "tls", ValueKind.NONE, 0),
    /** Noise marker. */
    NOISE(454, "noise", ValueKind.NONE, 0),
    /** QUIC draft-29 (obsolete) marker. */
    QUIC(460, "quic", ValueKind.NONE, 0),
    /** QUIC version 1 (RFC 9000) marker. */
    QUIC_V1(461, "quic-v1", ValueKind.NONE, 0),
    /** WebTransport marker. */
    WEBTRANSPORT(465, "webtransport", ValueKind.NONE, 0),
    /** WebSocket marker. */
    WS(477, "ws", ValueKind.NONE, 0),
    /** Secure WebSocket marker. */
    WSS(478, "wss", ValueKind.NONE, 0);

    private final int code;
    private final String protocolName;
    private final ValueKind kind;
    private final int size;

    Protocol(int code, String protocolName, ValueKind kind, int size) {
      this.code = code;
      this.protocolName = protocolName;
      this.kind = kind;
      this.size = size;
    }

    /** {@return the multicodec code} */
    public int code() {
      return code;
    }

    /** {@return the text name, e.g. {@code quic-v1}} */
    public String protocolName() {
      return protocolName;
    }

    /** {@return whether a value follows the protocol name/code} */
    public boolean hasValue() {
      return kind != ValueKind.NONE;
    }

    ValueKind kind() {
      return kind;
    }

    /**
     * The protocol with multicodec {@code code}.
     *
     * @param code the multicodec code
     * @return the protocol
     * @throws FormatException if it is not supported
     */
    public static Protocol fromCode(long code) {
      for (Protocol p : values()) {
        if (p.code == code) {
          return p;
        }
      }
      throw new FormatException("unknown protocol code " + code);
    }

    /**
     * The protocol named {@code name} ({@code ipfs} means {@link #P2P}).
     *
     * @param name the protocol's name in the text form
     * @return the protocol
     * @throws FormatException naming the unknown protocol
     */
    public static Protocol fromName(String name) {
      if (name.equals("ipfs")) {
        return P2P;
      }
      for (Protocol p : values()) {
        if (p.protocolName.equals(name)) {
          return p;
        }
      }
      throw new FormatException("unknown protocol '" + name + "'");
    }
  }

  /**
   * One component: a protocol and its binary value (empty for value-less protocols). The value is validated,
   * copied in and out, and compared by content.
   *
   * @param protocol the protocol
   * @param value the binary value, without the length prefix
   */
  public record Component(Protocol protocol, byte[] value) {
    /**
     * Validates and copies.
     *
     * @throws FormatException if the value is not valid for the protocol
     */
    public Component {
      value = value.clone();
      validate(protocol, value);
    }

    /**
     * A component from the text form of its value, e.g. {@code (TCP, "4001")}.
     *
     * @param protocol the component's protocol
     * @param text its value as text
     * @return the component
     * @throws FormatException if the text is not a valid value for the protocol
     */
    public static Component fromText(Protocol protocol, String text) {
      return new Component(protocol, valueFromText(protocol, text));
    }

    /** {@return a copy of the binary value} */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** {@return the text form of the value; empty for value-less protocols} */
    public String valueText() {
      return switch (protocol) {
        case IP4 -> IpText.formatIp4(value, 0);
        case IP6 -> IpText.formatIp6(value);
        case TCP, UDP -> Integer.toString(((value[0] & 0xFF) << 8) | (value[1] & 0xFF));
        case DNS, DNS4, DNS6, DNSADDR -> new String(value, StandardCharsets.UTF_8);
        case P2P -> PeerId.ofValidated(value).toBase58();
        default -> "";
      };
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Component c && c.protocol == protocol && Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * protocol.hashCode() + Arrays.hashCode(value);
    }

    /** The text form, e.g. {@code /tcp/4001}. */
    @Override
    public String toString() {
      return protocol.hasValue() ? "/" + protocol.protocolName + "/" + valueText() : "/" + protocol.protocolName;
    }
  }

  private final List<Component> components;
  private final byte[] bytes;

  private Multiaddr(List<Component> components, byte[] bytes) {
    this.components = components;
    this.bytes = bytes;
  }

  /**
   * {@return a multiaddr made of {@code components} in order (may be empty)}
   *
   * @param components the components
   */
  public static Multiaddr of(List<Component> components) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Component c : components) {
      out.writeBytes(Varint.encode(c.protocol.code));
      if (c.protocol.kind == ValueKind.LENGTH_PREFIXED) {
        out.writeBytes(Varint.encode(c.value.length));
      }
      out.writeBytes(c.value);
    }
    return new Multiaddr(List.copyOf(components), out.toByteArray());
  }

  /**
   * Parses the text form, e.g. {@code /ip4/127.0.0.1/tcp/4001}. A single trailing {@code /} is tolerated.
   *
   * @param text the text form
   * @return the multiaddr
   * @throws FormatException naming what is wrong: missing leading {@code /}, unknown protocol, missing or bad
   *     value
   */
  public static Multiaddr parse(String text) {
    if (text.isEmpty()) {
      throw new FormatException("empty multiaddr");
    }
    if (text.length() > MAX_TEXT_LENGTH) {
      throw new FormatException("multiaddr text of " + text.length() + " characters exceeds " + MAX_TEXT_LENGTH);
    }
    if (text.charAt(0) != '/') {
      throw new FormatException("invalid multiaddr, must begin with /");
    }
    String body = text.endsWith("/") && text.length() > 1 ? text.substring(1, text.length() - 1) : text.substring(1);
    if (body.isEmpty()) {
      throw new FormatException("empty multiaddr");
    }
    String[] parts = body.split("/", -1);
    List<Component> components = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String name = parts[i];
      if (name.isEmpty()) {
        throw new FormatException("empty protocol name in multiaddr (\"//\")");
      }
      Protocol p = Protocol.fromName(name);
      if (!p.hasValue()) {
        components.add(new Component(p, new byte[0]));
        continue;
      }
      if (i + 1 >= parts.length || parts[i + 1].isEmpty()) {
        throw new FormatException("missing value for /" + name);
      }
      String value = parts[++i];
      try {
        components.add(Component.fromText(p, value));
      } catch (FormatException e) {
        throw new FormatException("bad value for /" + name + ": " + e.getMessage(), e);
      }
    }
    Multiaddr m = of(components);
    if (m.bytes.length > MAX_BYTES) {
      throw new FormatException("multiaddr of " + m.bytes.length + " bytes exceeds " + MAX_BYTES);
    }
    return m;
  }

  /**
   * Decodes the binary form.
   *
   * @param bytes the binary form
   * @return the multiaddr
   * @throws FormatException if it is empty, too long, truncated, or holds an unknown protocol or bad value
   */
  public static Multiaddr fromBytes(byte[] bytes) {
    if (bytes.length == 0) {
      throw new FormatException("empty multiaddr");
    }
    if (bytes.length > MAX_BYTES) {
      throw new FormatException("multiaddr of " + bytes.length + " bytes exceeds " + MAX_BYTES);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    List<Component> components = new ArrayList<>();
    while (buf.hasRemaining()) {
      int offset = buf.position();
      Protocol p = Protocol.fromCode(Varint.decode(buf, Integer.MAX_VALUE));
      int len = switch (p.kind) {
        case NONE -> 0;
        case FIXED -> p.size;
        case LENGTH_PREFIXED -> (int) Varint.decode(buf, MAX_BYTES);
      };
      if (buf.remaining() < len) {
        throw new FormatException("truncated /" + p.protocolName + " value at offset " + offset + ": need " + len
            + " bytes, have " + buf.remaining());
      }
      byte[] value = new byte[len];
      buf.get(value);
      try {
        components.add(new Component(p, value));
      } catch (FormatException e) {
        throw new FormatException("bad /" + p.protocolName + " value at offset " + offset + ": " + e.getMessage(), e);
      }
    }
    return new Multiaddr(List.copyOf(components), bytes.clone());
  }

  /**
   * The multiaddr of a TCP socket address: {@code /ip4/…/tcp/…}, {@code /ip6/…/tcp/…}, or for an unresolved
   * address {@code /dns/<host>/tcp/…}.
   *
   * @param address the socket address
   * @return its multiaddr
   */
  public static Multiaddr tcp(InetSocketAddress address) {
    byte[] port = {(byte) (address.getPort() >>> 8), (byte) address.getPort()};
    Component host;
    InetAddress ip = address.getAddress();
    if (ip == null) {
      host = new Component(Protocol.DNS, address.getHostString().getBytes(StandardCharsets.UTF_8));
    } else if (ip instanceof Inet4Address) {
      host = new Component(Protocol.IP4, ip.getAddress());
    } else {
      host = new Component(Protocol.IP6, ip.getAddress());
    }
    return of(List.of(host, new Component(Protocol.TCP, port)));
  }

  /**
   * The multiaddr of a QUIC v1 endpoint: {@code /ip4/…/udp/…/quic-v1} or {@code /ip6/…/udp/…/quic-v1}, or for an
   * unresolved address {@code /dns/<host>/udp/…/quic-v1}.
   *
   * @param address the UDP socket address
   * @return its multiaddr
   */
  public static Multiaddr quic(InetSocketAddress address) {
    Multiaddr tcp = tcp(address);
    byte[] port = tcp.components.get(1).value;
    return of(List.of(
        tcp.components.get(0), new Component(Protocol.UDP, port), new Component(Protocol.QUIC_V1, new byte[0])));
  }

  /** {@return the binary form (a copy)} */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** {@return the components in order (immutable)} */
  public List<Component> components() {
    return components;
  }

  /** {@return whether this multiaddr has no components (only made by {@link #decapsulate} or {@link #of})} */
  public boolean isEmpty() {
    return components.isEmpty();
  }

  /**
   * {@return whether any component uses {@code protocol}}
   *
   * @param protocol the protocol to look for
   */
  public boolean has(Protocol protocol) {
    for (Component c : components) {
      if (c.protocol == protocol) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return this multiaddr followed by {@code other}}
   *
   * @param other the multiaddr to append
   */
  public Multiaddr encapsulate(Multiaddr other) {
    List<Component> all = new ArrayList<>(components);
    all.addAll(other.components);
    return of(all);
  }

  /**
   * Removes the last occurrence of {@code other}'s components and everything after it; returns this multiaddr
   * unchanged if {@code other} does not occur, and an empty one if it occurs at the start.
   *
   * @param other the components to remove
   * @return the multiaddr before {@code other}
   */
  public Multiaddr decapsulate(Multiaddr other) {
    int n = other.components.size();
    if (n == 0) {
      return this;
    }
    for (int i = components.size() - n; i >= 0; i--) {
      if (components.subList(i, i + n).equals(other.components)) {
        return i == 0 ? EMPTY : of(components.subList(0, i));
      }
    }
    return this;
  }

  /** {@return the peer id of the final {@code /p2p} component, if the multiaddr ends with one} */
  public Optional<PeerId> peerId() {
    if (components.isEmpty()) {
      return Optional.empty();
    }
    Component last = components.get(components.size() - 1);
    // The value was validated when the component was built; no need to parse the key again.
    return last.protocol == Protocol.P2P ? Optional.of(PeerId.ofValidated(last.value)) : Optional.empty();
  }

  /** {@return this multiaddr without a final {@code /p2p} component (unchanged if there is none)} */
  public Multiaddr withoutPeerId() {
    if (components.isEmpty() || components.get(components.size() - 1).protocol != Protocol.P2P) {
      return this;
    }
    return of(components.subList(0, components.size() - 1));
  }

  /**
   * The TCP socket address of {@code /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>}, optionally followed by
   * {@code /p2p/<id>}. DNS names are left unresolved.
   *
   * @return the socket address
   * @throws FormatException for any other shape
   */
  public InetSocketAddress toTcpSocketAddress() {
    List<Component> c = withoutPeerId().components;
    if (c.size() != 2 || c.get(1).protocol != Protocol.TCP) {
      throw new FormatException("not a TCP multiaddr (want /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>): " + this);
    }
    int port = ((c.get(1).value[0] & 0xFF) << 8) | (c.get(1).value[1] & 0xFF);
    Component host = c.get(0);
    switch (host.protocol) {
      case IP4, IP6 -> {
        try {
          return new InetSocketAddress(InetAddress.getByAddress(host.value), port);
        } catch (UnknownHostException e) {
          throw new FormatException("bad IP address in " + this, e);
        }
      }
      case DNS, DNS4, DNS6 -> {
        return InetSocketAddress.createUnresolved(host.valueText(), port);
      }
      default -> throw new FormatException("not a TCP multiaddr (host part is /" + host.protocol.protocolName
          + "): " + this);
    }
  }

  /**
   * The UDP socket address of {@code /ip4|ip6|dns|dns4|dns6/<host>/udp/<port>/quic-v1}, optionally followed by
   * {@code /p2p/<id>}. DNS names are left unresolved.
   *
   * @return the socket address
   * @throws FormatException for any other shape
   */
  public InetSocketAddress toQuicSocketAddress() {
    List<Component> c = withoutPeerId().components;
    if (c.size() != 3 || c.get(1).protocol != Protocol.UDP || c.get(2).protocol != Protocol.QUIC_V1) {
      throw new FormatException(
          "not a QUIC v1 multiaddr (want /ip4|ip6|dns|dns4|dns6/<host>/udp/<port>/quic-v1): " + this);
    }
    return of(List.of(c.get(0), new Component(Protocol.TCP, c.get(1).value))).toTcpSocketAddress();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multiaddr m && Arrays.equals(m.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The text form; {@code ""} for the empty multiaddr. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Component c : components) {
      sb.append(c);
    }
    return sb.toString();
  }

  private static byte[] valueFromText(Protocol p, String text) {
    return switch (p) {
      case IP4 -> {
        byte[] b = IpText.parseIp4(text);
        if (b == null) {
          throw new FormatException("invalid IPv4 address '" + text + "'");
        }
        yield b;
      }
      case IP6 -> {
        byte[] b = IpText.parseIp6(text);
        if (b == null) {
          throw new FormatException("invalid IPv6 address '" + text + "'");
        }
        yield b;
      }
      case TCP, UDP -> {
        int port = parsePort(text);
        yield new byte[] {(byte) (port >>> 8), (byte) port};
      }
      case DNS, DNS4, DNS6, DNSADDR -> {
        try {
          ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(text));
          byte[] out = new byte[b.remaining()];
          b.get(out);
          yield out;
        } catch (CharacterCodingException e) {
          throw new FormatException("DNS name is not valid Unicode (unpaired surrogate)", e);
        }
      }
      case P2P -> PeerId.parse(text).toBytes();
      default -> throw new FormatException("/" + p.protocolName + " takes no value");
    };
  }

  private static int parsePort(String text) {
    if (text.isEmpty() || text.length() > 5) {
      throw new FormatException("invalid port '" + text + "' (must be 0..65535)");
    }
    int v = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new FormatException("invalid port '" + text + "' (must be 0..65535)");
      }
      v = v * 10 + (ch - '0');
    }
    if (v > 65535) {
      throw new FormatException("invalid port '" + text + "' (must be 0..65535)");
    }
    return v;
  }

  private static void validate(Protocol p, byte[] value) {
    switch (p.kind) {
      case NONE -> {
        if (value.length != 0) {
          throw new FormatException("/" + p.protocolName + " takes no value");
        }
      }
      case FIXED -> {
        if (value.length != p.size) {
          throw new FormatException("/" + p.protocolName + " value must be " + p.size + " bytes, not " + value.length);
        }
      }
      case LENGTH_PREFIXED -> {
        if (p == Protocol.P2P) {
          PeerId.fromBytes(value);
        } else {
          validateDnsName(value);
        }
      }
    }
  }

  private static void validateDnsName(byte[] value) {
    if (value.length == 0) {
      throw new FormatException("empty DNS name");
    }
    if (value.length > 255) {
      throw new FormatException("DNS name of " + value.length + " bytes exceeds 255");
    }
    CharBuffer chars;
    try {
      chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value));
    } catch (CharacterCodingException e) {
      throw new FormatException("DNS name is not valid UTF-8", e);
    }
    for (int i = 0; i < chars.length(); i++) {
      if (chars.charAt(i) == '/') {
        throw new FormatException("DNS name contains '/'");
      }
    }
  }
}
