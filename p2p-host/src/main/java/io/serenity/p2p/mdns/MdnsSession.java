package io.serenity.p2p.mdns;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The protocol side of libp2p mDNS for one local peer, without sockets, threads or clocks: builds
 * our query, answers queries for our peer, and turns responses into newly discovered peers.
 * Not thread-safe; {@link Mdns} calls it from its one thread and passes the time in.
 */
final class MdnsSession {
  /** DNS-SD meta query name (RFC 6763 §9, spec "Meta Query"). */
  static final String META_QUERY = "_services._dns-sd._udp.local";
  static final String DNSADDR = "dnsaddr=";
  /** TTL cap for legacy unicast replies (RFC 6762 §6.7). */
  private static final long LEGACY_TTL = 10;

  private final MdnsConfig config;
  private final PeerId self;
  private final String instance;
  /** Our {@code host-name} for SRV, A and AAAA records: {@code <peer-name>.local}. */
  private final String hostName;
  private final Supplier<List<Multiaddr>> addrs;
  private final long ttlNanos;
  private final Map<PeerId, Known> known = new LinkedHashMap<>();

  /** A peer we reported: its addresses then, when, and its lower-cased instance name (for goodbyes). */
  private record Known(Set<Multiaddr> addrs, long reportedAt, String instance) {}

  MdnsSession(MdnsConfig config, PeerId self, String peerName, Supplier<List<Multiaddr>> addrs) {
    this.config = config;
    this.self = self;
    this.instance = peerName + "." + config.serviceName();
    this.hostName = peerName + ".local";
    this.addrs = addrs;
    this.ttlNanos = config.ttl().toNanos();
  }

  /** Our instance name, {@code <peer-name>.<service-name>}. */
  String instance() {
    return instance;
  }

  /** The "find all peers" query: {@code <service-name> PTR} (spec "Request"). */
  DnsMessage query() {
    return DnsMessage.query(List.of(DnsQuestion.of(config.serviceName(), DnsRecord.PTR)));
  }

  /**
   * Our reply to {@code query}, encoded, or empty when it asks nothing we answer (or we have no
   * address to give). We answer {@code <service> PTR} (spec "Response", with SRV, TXT and A/AAAA
   * as additional records, spec "Find All Response"), the direct questions of spec "Gotchas"
   * ({@code <instance> TXT} and {@code SRV}, {@code <host-name> A} and {@code AAAA}), and the DNS-SD
   * meta query. A legacy unicast reply (the asker is not an mDNS responder on the mDNS port, RFC
   * 6762 §6.7) echoes the id and questions and caps TTLs at 10 s.
   */
  Optional<byte[]> answer(DnsMessage query, boolean legacyUnicast) {
    if (query.isResponse() || query.opcode() != 0) {
      return Optional.empty(); // RFC 6762 §18.3: other opcodes are ignored
    }
    boolean ptr = false;
    boolean txt = false;
    boolean srv = false;
    boolean a = false;
    boolean aaaa = false;
    boolean meta = false;
    for (DnsQuestion q : query.questions()) {
      ptr |= q.asks(config.serviceName(), DnsRecord.PTR);
      txt |= q.asks(instance, DnsRecord.TXT);
      srv |= q.asks(instance, DnsRecord.SRV);
      a |= q.asks(hostName, DnsRecord.A);
      aaaa |= q.asks(hostName, DnsRecord.AAAA);
      meta |= q.asks(META_QUERY, DnsRecord.PTR);
    }
    if (!(ptr || txt || srv || a || aaaa || meta)) {
      return Optional.empty();
    }
    long ttl = legacyUnicast ? Math.min(LEGACY_TTL, config.ttl().getSeconds()) : config.ttl().getSeconds();
    List<Multiaddr> mine = ownAddrs();
    while (true) {
      List<DnsRecord> answers = new ArrayList<>();
      Set<DnsRecord> additionals = new LinkedHashSet<>();
      if (meta) {
        answers.add(new DnsRecord.Ptr(META_QUERY, ttl, config.serviceName()));
      }
      if (!mine.isEmpty()) {
        List<String> strings = new ArrayList<>();
        mine.forEach(m -> strings.add(DNSADDR + m));
        DnsRecord.Txt txtRecord = new DnsRecord.Txt(instance, ttl, strings);
        Optional<DnsRecord.Srv> srvRecord = srvRecord(mine, ttl);
        List<DnsRecord> v4 = new ArrayList<>();
        List<DnsRecord> v6 = new ArrayList<>();
        addressRecords(mine, ttl, v4, v6);
        if (ptr) {
          answers.add(new DnsRecord.Ptr(config.serviceName(), ttl, instance));
          srvRecord.ifPresent(additionals::add);
          additionals.add(txtRecord);
          additionals.addAll(v4);
          additionals.addAll(v6);
        }
        if (txt) {
          answers.add(txtRecord);
        }
        if (srv && srvRecord.isPresent()) {
          answers.add(srvRecord.get());
          additionals.addAll(v4);
          additionals.addAll(v6);
        }
        if (a) {
          answers.addAll(v4);
        }
        if (aaaa) {
          answers.addAll(v6);
        }
      }
      if (answers.isEmpty()) {
        return Optional.empty();
      }
      answers.forEach(additionals::remove);
      DnsMessage reply =
          new DnsMessage(
              legacyUnicast ? query.id() : 0,
              DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE,
              legacyUnicast ? query.questions() : List.of(),
              answers,
              List.of(),
              List.copyOf(additionals));
      byte[] bytes = DnsCodec.encode(reply);
      if (bytes.length <= config.maxPacketSize() || mine.size() <= 1) {
        return Optional.of(bytes);
      }
      // Too many addresses for one packet: keep the first ones (the caller orders them by preference).
      mine = mine.subList(0, mine.size() - 1);
    }
  }

  /** Our SRV record (RFC 2782): the port of our first TCP or UDP address, on {@code <peer-name>.local}. */
  private Optional<DnsRecord.Srv> srvRecord(List<Multiaddr> mine, long ttl) {
    for (Multiaddr m : mine) {
      for (Multiaddr.Component c : m.components()) {
        if (c.protocol() == Multiaddr.Protocol.TCP || c.protocol() == Multiaddr.Protocol.UDP) {
          int port = Integer.parseInt(c.valueText());
          return Optional.of(new DnsRecord.Srv(instance, ttl, 0, 0, port, hostName));
        }
      }
    }
    return Optional.empty();
  }

  /** A and AAAA records of {@code <peer-name>.local} for the IPs of our addresses (unspecified ones skipped). */
  private void addressRecords(List<Multiaddr> mine, long ttl, List<DnsRecord> v4, List<DnsRecord> v6) {
    Set<InetAddress> seen = new HashSet<>();
    for (Multiaddr m : mine) {
      Multiaddr.Component first = m.components().get(0);
      if (first.protocol() != Multiaddr.Protocol.IP4 && first.protocol() != Multiaddr.Protocol.IP6) {
        continue;
      }
      InetAddress ip;
      try {
        ip = InetAddress.getByAddress(first.value()); // raw bytes: no name lookup
      } catch (UnknownHostException e) {
        continue;
      }
      if (ip.isAnyLocalAddress() || !seen.add(ip)) {
        continue;
      }
      if (ip instanceof Inet4Address ip4) {
        v4.add(new DnsRecord.A(hostName, ttl, ip4));
      } else if (ip instanceof Inet6Address ip6) {
        v6.add(new DnsRecord.Aaaa(hostName, ttl, ip6));
      }
    }
  }

  /** A response with TTL 0 for our PTR, sent on close so others forget us (RFC 6762 §10.1). */
  byte[] goodbye() {
    DnsMessage bye =
        new DnsMessage(0, DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE, List.of(),
            List.of(new DnsRecord.Ptr(config.serviceName(), 0, instance)), List.of(), List.of());
    return DnsCodec.encode(bye);
  }

  /**
   * Our addresses, each ending in {@code /p2p/<our id>}, whose {@code dnsaddr=} string fits in a
   * TXT string (255 bytes); addresses naming another peer are skipped.
   */
  private List<Multiaddr> ownAddrs() {
    Set<Multiaddr> out = new LinkedHashSet<>();
    for (Multiaddr a : addrs.get()) {
      Optional<PeerId> id = a.peerId();
      if (a.isEmpty() || (id.isPresent() && !id.get().equals(self))) {
        continue;
      }
      Multiaddr full = id.isPresent() ? a : a.encapsulate(Multiaddr.parse("/p2p/" + self.toBase58()));
      if ((DNSADDR + full).length() <= 255) {
        out.add(full);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The peers {@code response} tells us about that we should report now: peers new to us, peers
   * with an address we had not reported, and peers last reported more than {@link
   * MdnsConfig#ttl()} ago. Our own id is ignored, as are unparsable addresses and addresses
   * without a {@code /p2p} id. Records with TTL 0 (goodbyes) make us forget the peer.
   */
  List<PeerInfo> onResponse(DnsMessage response, long nowNanos) {
    if (!response.isResponse() || response.opcode() != 0 || response.rcode() != 0) {
      return List.of(); // RFC 6762 §18.3, §18.11
    }
    String service = config.serviceName().toLowerCase(Locale.ROOT);
    String suffix = "." + service;
    Set<String> instances = new HashSet<>();
    Set<String> gone = new HashSet<>();
    for (DnsRecord r : response.records()) {
      if (r instanceof DnsRecord.Ptr p && p.name().equalsIgnoreCase(service)) {
        (p.ttl() == 0 ? gone : instances).add(p.target().toLowerCase(Locale.ROOT));
      }
    }
    Map<PeerId, Set<Multiaddr>> found = new LinkedHashMap<>();
    Map<PeerId, String> owners = new LinkedHashMap<>();
    Set<PeerId> leaving = new HashSet<>();
    for (DnsRecord r : response.records()) {
      if (!(r instanceof DnsRecord.Txt t)) {
        continue;
      }
      String owner = t.name().toLowerCase(Locale.ROOT);
      // TXT records of any instance of our service: with the PTR (spec "Response") or alone, as a
      // reply to a direct TXT query (spec "Gotchas")
      if (!instances.contains(owner) && !gone.contains(owner) && !owner.endsWith(suffix)) {
        continue;
      }
      for (String s : t.strings()) {
        if (!s.regionMatches(true, 0, DNSADDR, 0, DNSADDR.length())) {
          continue;
        }
        Multiaddr a;
        try {
          a = Multiaddr.parse(s.substring(DNSADDR.length()));
        } catch (FormatException e) {
          continue;
        }
        Optional<PeerId> id = a.peerId();
        if (id.isEmpty() || id.get().equals(self)) {
          continue;
        }
        if (t.ttl() == 0 || gone.contains(owner)) {
          leaving.add(id.get());
          continue;
        }
        Multiaddr transport = a.withoutPeerId();
        owners.putIfAbsent(id.get(), owner);
        Set<Multiaddr> set = found.computeIfAbsent(id.get(), k -> new LinkedHashSet<>());
        if (!transport.isEmpty()) {
          set.add(transport);
        }
      }
    }
    leaving.forEach(known::remove);
    if (!gone.isEmpty()) {
      known.values().removeIf(k -> gone.contains(k.instance()));
    }
    List<PeerInfo> report = new ArrayList<>();
    for (Map.Entry<PeerId, Set<Multiaddr>> e : found.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue; // an id without any address gives nothing to dial
      }
      Known k = known.get(e.getKey());
      boolean fresh =
          k == null || nowNanos - k.reportedAt() >= ttlNanos || !k.addrs().containsAll(e.getValue());
      if (!fresh) {
        continue;
      }
      known.remove(e.getKey());
      evictFor(nowNanos);
      known.put(e.getKey(), new Known(Set.copyOf(e.getValue()), nowNanos, owners.get(e.getKey())));
      report.add(new PeerInfo(e.getKey(), List.copyOf(e.getValue())));
    }
    return report;
  }

  /** Makes room for one more remembered peer: expired entries first, then the oldest report. */
  private void evictFor(long nowNanos) {
    if (known.size() < config.maxPeers()) {
      return;
    }
    known.values().removeIf(k -> nowNanos - k.reportedAt() >= ttlNanos);
    Iterator<PeerId> it = known.keySet().iterator();
    while (known.size() >= config.maxPeers() && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}
