package io.serenity.p2p.mdns;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
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
  private final Supplier<List<Multiaddr>> addrs;
  private final long ttlNanos;
  private final Map<PeerId, Known> known = new LinkedHashMap<>();

  /** A peer we reported: its addresses then, when, and its lower-cased instance name (for goodbyes). */
  private record Known(Set<Multiaddr> addrs, long reportedAt, String instance) {}

  MdnsSession(MdnsConfig config, PeerId self, String peerName, Supplier<List<Multiaddr>> addrs) {
    this.config = config;
    this.self = self;
    this.instance = peerName + "." + config.serviceName();
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
   * address to give). A legacy unicast reply (the asker is not an mDNS responder on the mDNS port,
   * RFC 6762 §6.7) echoes the id and questions and caps TTLs at 10 s.
   */
  Optional<byte[]> answer(DnsMessage query, boolean legacyUnicast) {
    if (query.isResponse() || query.opcode() != 0) {
      return Optional.empty(); // RFC 6762 §18.3: other opcodes are ignored
    }
    boolean ptr = false;
    boolean txt = false;
    boolean meta = false;
    for (DnsQuestion q : query.questions()) {
      ptr |= q.asks(config.serviceName(), DnsRecord.PTR);
      txt |= q.asks(instance, DnsRecord.TXT);
      meta |= q.asks(META_QUERY, DnsRecord.PTR);
    }
    if (!ptr && !txt && !meta) {
      return Optional.empty();
    }
    long ttl = legacyUnicast ? Math.min(LEGACY_TTL, config.ttl().getSeconds()) : config.ttl().getSeconds();
    List<String> strings = dnsaddrs();
    while (true) {
      List<DnsRecord> answers = new ArrayList<>();
      List<DnsRecord> additionals = new ArrayList<>();
      if (meta) {
        answers.add(new DnsRecord.Ptr(META_QUERY, ttl, config.serviceName()));
      }
      if (!strings.isEmpty()) {
        DnsRecord.Txt record = new DnsRecord.Txt(instance, ttl, strings);
        if (ptr) {
          // spec "Response": the PTR is the answer, our addresses ride along as additional records
          answers.add(new DnsRecord.Ptr(config.serviceName(), ttl, instance));
          (txt ? answers : additionals).add(record);
        } else if (txt) {
          answers.add(record);
        }
      }
      if (answers.isEmpty()) {
        return Optional.empty();
      }
      DnsMessage reply =
          new DnsMessage(
              legacyUnicast ? query.id() : 0,
              DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE,
              legacyUnicast ? query.questions() : List.of(),
              answers,
              List.of(),
              additionals);
      byte[] bytes = DnsCodec.encode(reply);
      if (bytes.length <= config.maxPacketSize() || strings.isEmpty()) {
        return Optional.of(bytes);
      }
      // Too many addresses for one packet: keep the first ones (the caller orders them by preference).
      strings = strings.subList(0, strings.size() - 1);
    }
  }

  /** A response with TTL 0 for our PTR, sent on close so others forget us (RFC 6762 §10.1). */
  byte[] goodbye() {
    DnsMessage bye =
        new DnsMessage(0, DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE, List.of(),
            List.of(new DnsRecord.Ptr(config.serviceName(), 0, instance)), List.of(), List.of());
    return DnsCodec.encode(bye);
  }

  /** Our addresses as TXT strings {@code dnsaddr=<multiaddr>/p2p/<id>} that fit in 255 bytes. */
  private List<String> dnsaddrs() {
    Set<String> out = new LinkedHashSet<>();
    for (Multiaddr a : addrs.get()) {
      Optional<PeerId> id = a.peerId();
      if (id.isPresent() && !id.get().equals(self)) {
        continue;
      }
      Multiaddr full = id.isPresent() ? a : a.encapsulate(Multiaddr.parse("/p2p/" + self.toBase58()));
      String s = DNSADDR + full;
      if (s.length() <= 255) {
        out.add(s);
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
