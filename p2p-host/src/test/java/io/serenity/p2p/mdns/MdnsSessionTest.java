package io.serenity.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The socket-free protocol logic: what we answer, and which responses become reported peers. */
class MdnsSessionTest {
  private static final String SERVICE = Mdns.SERVICE_NAME;
  private static final long SECOND = 1_000_000_000L;

  static PeerId peer(long seed) {
    return PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.ED25519, seed).publicKey());
  }

  private final PeerId me = peer(1);
  private final PeerId other = peer(2);
  private final List<Multiaddr> myAddrs = new ArrayList<>(List.of(
      Multiaddr.parse("/ip4/192.0.2.0/tcp/4001"),
      Multiaddr.parse("/ip6/2001:db8::7573:b0a8:46b0:bfea/tcp/4001")));

  private MdnsSession session(PeerId self, String name, List<Multiaddr> addrs, MdnsConfig config) {
    return new MdnsSession(config, self, name, () -> List.copyOf(addrs));
  }

  private MdnsSession mine() {
    return session(me, "aaaa", myAddrs, MdnsConfig.defaults());
  }

  private static DnsMessage decode(byte[] b) {
    return DnsCodec.decode(b, 9000);
  }

  private static DnsRecord.Txt txt(DnsMessage m) {
    return m.records().stream().filter(r -> r instanceof DnsRecord.Txt).map(r -> (DnsRecord.Txt) r)
        .findFirst().orElseThrow();
  }

  private static DnsMessage response(DnsRecord... records) {
    return new DnsMessage(0, 0x8400, List.of(), List.of(records), List.of(), List.of());
  }

  private DnsMessage announce(PeerId id, String instance, long ttl, String... addrs) {
    List<String> strings = new ArrayList<>();
    for (String a : addrs) {
      strings.add("dnsaddr=" + a + "/p2p/" + id);
    }
    return response(new DnsRecord.Ptr(SERVICE, ttl, instance), new DnsRecord.Txt(instance, ttl, strings));
  }

  @Test
  void findAllPeersQueryGetsOurPtrAnswerAndDnsaddrTxtAdditional() {
    MdnsSession s = mine();
    DnsMessage reply = decode(s.answer(s.query(), false).orElseThrow());
    assertThat(reply.id()).isZero();
    assertThat(reply.flags()).isEqualTo(DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE);
    assertThat(reply.questions()).isEmpty();
    assertThat(reply.answers()).containsExactly(new DnsRecord.Ptr(SERVICE, 120, "aaaa." + SERVICE));
    // spec "Find All Response": SRV, TXT, then A and AAAA of <peer-name>.local
    assertThat(reply.additionals()).containsExactly(
        new DnsRecord.Srv("aaaa." + SERVICE, 120, 0, 0, 4001, "aaaa.local"),
        new DnsRecord.Txt("aaaa." + SERVICE, 120, List.of(
            "dnsaddr=/ip4/192.0.2.0/tcp/4001/p2p/" + me,
            "dnsaddr=" + myAddrs.get(1) + "/p2p/" + me)),
        new DnsRecord.A("aaaa.local", 120, (Inet4Address) ip("192.0.2.0")),
        new DnsRecord.Aaaa("aaaa.local", 120, (Inet6Address) ip("2001:db8::7573:b0a8:46b0:bfea")));
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no lookup
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void directSrvAAndAaaaQuestionsAreAnswered() {
    MdnsSession s = mine();
    DnsMessage q = DnsMessage.query(List.of(
        DnsQuestion.of("aaaa." + SERVICE, DnsRecord.SRV),
        DnsQuestion.of("aaaa.local", DnsRecord.A),
        DnsQuestion.of("aaaa.local", DnsRecord.AAAA)));
    DnsMessage reply = decode(s.answer(q, false).orElseThrow());
    assertThat(reply.answers()).extracting(DnsRecord::type)
        .containsExactly(DnsRecord.SRV, DnsRecord.A, DnsRecord.AAAA);
    assertThat(reply.additionals()).as("nothing repeated from the answers").isEmpty();
    DnsMessage unspecified = DnsMessage.query(List.of(DnsQuestion.of("aaaa.local", DnsRecord.A)));
    MdnsSession any = session(me, "aaaa", List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/1")), MdnsConfig.defaults());
    assertThat(any.answer(unspecified, false)).as("0.0.0.0 is no address to announce").isEmpty();
  }

  @Test
  void legacyUnicastReplyEchoesIdAndQuestionsAndCapsTtlAtTenSeconds() {
    MdnsSession s = mine();
    DnsMessage q = new DnsMessage(0x4242, 0, List.of(DnsQuestion.of(SERVICE, DnsRecord.PTR)), List.of(), List.of(), List.of());
    DnsMessage reply = decode(s.answer(q, true).orElseThrow());
    assertThat(reply.id()).isEqualTo(0x4242);
    assertThat(reply.questions()).isEqualTo(q.questions());
    assertThat(reply.records()).allSatisfy(r -> assertThat(r.ttl()).isEqualTo(10));
  }

  @Test
  void directTxtQueryAndDnsSdMetaQueryAreAnsweredOtherNamesAreNot() {
    MdnsSession s = mine();
    DnsMessage txt = DnsMessage.query(List.of(DnsQuestion.of("AAAA." + SERVICE.toUpperCase(), DnsRecord.TXT)));
    assertThat(decode(s.answer(txt, false).orElseThrow()).answers())
        .singleElement().isInstanceOf(DnsRecord.Txt.class);
    DnsMessage meta = DnsMessage.query(List.of(DnsQuestion.of(MdnsSession.META_QUERY, DnsRecord.PTR)));
    assertThat(decode(s.answer(meta, false).orElseThrow()).answers())
        .containsExactly(new DnsRecord.Ptr(MdnsSession.META_QUERY, 120, SERVICE));
    DnsMessage elsewhere = DnsMessage.query(List.of(DnsQuestion.of("_ipp._tcp.local", DnsRecord.PTR)));
    assertThat(s.answer(elsewhere, false)).isEmpty();
    assertThat(s.answer(response(), false)).as("responses are not answered").isEmpty();
  }

  @Test
  void addressesOfOtherPeersAreNotAnnouncedAndNoAddressMeansNoAnswer() {
    List<Multiaddr> addrs = List.of(
        Multiaddr.parse("/ip4/192.0.2.1/tcp/1/p2p/" + other),
        Multiaddr.parse("/ip4/192.0.2.2/tcp/2/p2p/" + me));
    MdnsSession s = session(me, "aaaa", addrs, MdnsConfig.defaults());
    DnsMessage reply = decode(s.answer(s.query(), false).orElseThrow());
    assertThat(txt(reply).strings()).containsExactly("dnsaddr=/ip4/192.0.2.2/tcp/2/p2p/" + me);
    assertThat(session(me, "aaaa", List.of(), MdnsConfig.defaults()).answer(s.query(), false)).isEmpty();
  }

  @Test
  void repliesAreTrimmedToMaxPacketSizeKeepingTheFirstAddresses() {
    List<Multiaddr> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(Multiaddr.parse("/ip4/192.0.2." + i + "/tcp/" + (4000 + i)));
    }
    MdnsSession s = session(me, "aaaa", many, MdnsConfig.defaults().withMaxPacketSize(1024));
    byte[] bytes = s.answer(s.query(), false).orElseThrow();
    assertThat(bytes.length).isLessThanOrEqualTo(1024);
    List<String> strings = txt(decode(bytes)).strings();
    assertThat(strings).isNotEmpty().hasSizeLessThan(40);
    assertThat(strings.get(0)).isEqualTo("dnsaddr=/ip4/192.0.2.0/tcp/4000/p2p/" + me);
  }

  @Test
  void answerOfOnePeerIsDiscoveredByAnother() {
    MdnsSession a = mine();
    MdnsSession b = session(other, "bbbb", List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/9")), MdnsConfig.defaults());
    List<PeerInfo> found = b.onResponse(decode(a.answer(b.query(), false).orElseThrow()), 0);
    assertThat(found).containsExactly(new PeerInfo(me, myAddrs));
  }

  @Test
  void aPeerIsReportedOnceThenOnANewAddressThenAfterTheTtl() {
    MdnsSession s = session(me, "aaaa", myAddrs, MdnsConfig.defaults().withTtl(Duration.ofSeconds(120)));
    String inst = "bbbb." + SERVICE;
    assertThat(s.onResponse(announce(other, inst, 120, "/ip4/10.0.0.1/tcp/1"), 0))
        .containsExactly(new PeerInfo(other, List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1"))));
    assertThat(s.onResponse(announce(other, inst, 120, "/ip4/10.0.0.1/tcp/1"), 10 * SECOND)).as("duplicate").isEmpty();
    assertThat(s.onResponse(announce(other, inst, 120, "/ip4/10.0.0.1/tcp/1", "/ip4/10.0.0.2/tcp/2"), 20 * SECOND))
        .as("new address").hasSize(1);
    assertThat(s.onResponse(announce(other, inst, 120, "/ip4/10.0.0.1/tcp/1"), 30 * SECOND)).as("subset").isEmpty();
    assertThat(s.onResponse(announce(other, inst, 120, "/ip4/10.0.0.1/tcp/1"), 140 * SECOND)).as("after ttl").hasSize(1);
  }

  @Test
  void goodbyeMakesThePeerNewAgain() {
    MdnsSession s = mine();
    String inst = "bbbb." + SERVICE;
    assertThat(s.onResponse(announce(other, inst, 120, "/ip4/10.0.0.1/tcp/1"), 0)).hasSize(1);
    MdnsSession b = session(other, "bbbb", List.of(), MdnsConfig.defaults());
    assertThat(s.onResponse(decode(b.goodbye()), SECOND)).isEmpty();
    assertThat(s.onResponse(announce(other, inst, 120, "/ip4/10.0.0.1/tcp/1"), 2 * SECOND)).as("back after goodbye").hasSize(1);
  }

  @Test
  void ourselvesQueriesOtherServicesAndBadAddressesAreIgnored() {
    MdnsSession s = mine();
    assertThat(s.onResponse(announce(me, "aaaa." + SERVICE, 120, "/ip4/10.0.0.1/tcp/1"), 0)).as("self").isEmpty();
    DnsMessage asQuery = new DnsMessage(0, 0, List.of(), announce(other, "b." + SERVICE, 120, "/ip4/10.0.0.1/tcp/1").answers(), List.of(), List.of());
    assertThat(s.onResponse(asQuery, 0)).as("not a response").isEmpty();
    DnsMessage otherService = response(
        new DnsRecord.Ptr("_ipp._tcp.local", 120, "b._ipp._tcp.local"),
        new DnsRecord.Txt("b._ipp._tcp.local", 120, List.of("dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/" + other)));
    assertThat(s.onResponse(otherService, 0)).as("other service").isEmpty();
    DnsMessage junk = response(
        new DnsRecord.Ptr(SERVICE, 120, "b." + SERVICE),
        new DnsRecord.Txt("b." + SERVICE, 120, List.of(
            "dnsaddr=not a multiaddr", "dnsaddr=/ip4/10.0.0.1/tcp/1", "foo=bar", "dnsaddr=/p2p/" + other,
            "DNSADDR=/ip4/10.0.0.3/tcp/3/p2p/" + other)));
    assertThat(s.onResponse(junk, 0)).as("only the good address survives")
        .containsExactly(new PeerInfo(other, List.of(Multiaddr.parse("/ip4/10.0.0.3/tcp/3"))));
  }

  @Test
  void txtRecordAnsweringADirectQueryIsEnoughWithoutPtr() {
    MdnsSession s = mine();
    DnsMessage txtOnly = response(new DnsRecord.Txt("b." + SERVICE, 120, List.of("dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/" + other)));
    assertThat(s.onResponse(txtOnly, 0)).hasSize(1);
  }

  @Test
  void rememberedPeersAreBoundedByMaxPeers() {
    MdnsConfig config = new MdnsConfig(true, SERVICE, Duration.ofSeconds(10), Duration.ofSeconds(120),
        MdnsConfig.IPV4_GROUP, new java.net.InetSocketAddress(5353), List.of(), null, 9000, 2);
    MdnsSession s = session(me, "aaaa", myAddrs, config);
    for (int i = 10; i < 13; i++) {
      assertThat(s.onResponse(announce(peer(i), "p" + i + "." + SERVICE, 120, "/ip4/10.0.0.1/tcp/1"), 0)).hasSize(1);
    }
    // peer 10 was evicted to make room for 12, so it counts as new; 12 is still remembered
    assertThat(s.onResponse(announce(peer(10), "p10." + SERVICE, 120, "/ip4/10.0.0.1/tcp/1"), 0)).hasSize(1);
    assertThat(s.onResponse(announce(peer(12), "p12." + SERVICE, 120, "/ip4/10.0.0.1/tcp/1"), 0)).isEmpty();
  }
}
