package io.serenity.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The RFC 6762 §11 source address check. */
class LocalLinkTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal); // literals only: no lookup
  }

  @Test
  void sourcesInsideOurSubnetAndLoopbackAreOnLinkOthersAreNot() throws Exception {
    LocalLink link = LocalLink.of(ip("192.168.1.7"), 24);
    assertThat(link.contains(ip("192.168.1.200"))).isTrue();
    assertThat(link.contains(ip("127.0.0.1"))).as("our own machine").isTrue();
    assertThat(link.contains(ip("192.168.2.1"))).isFalse();
    assertThat(link.contains(ip("8.8.8.8"))).isFalse();
    assertThat(link.contains(ip("2001:db8::1"))).as("another family").isFalse();
  }

  @Test
  void prefixesAreComparedBitByBit() throws Exception {
    byte[] a = ip("10.1.2.3").getAddress();
    assertThat(LocalLink.samePrefix(a, ip("10.1.2.130").getAddress(), 24)).isTrue();
    assertThat(LocalLink.samePrefix(a, ip("10.1.2.130").getAddress(), 25)).isFalse();
    assertThat(LocalLink.samePrefix(a, ip("10.1.3.3").getAddress(), 24)).isFalse();
    assertThat(LocalLink.samePrefix(a, ip("10.1.3.3").getAddress(), 23)).as("2 and 3 differ in bit 24 only").isTrue();
    assertThat(LocalLink.samePrefix(a, ip("10.1.4.3").getAddress(), 23)).isFalse();
    assertThat(LocalLink.samePrefix(a, ip("10.1.4.3").getAddress(), 21)).isTrue();
    assertThat(LocalLink.samePrefix(a, ip("200.0.0.1").getAddress(), 0)).isTrue();
    assertThat(LocalLink.samePrefix(a, a, 32)).isTrue();
    assertThat(LocalLink.samePrefix(a, ip("10.1.2.4").getAddress(), 32)).isFalse();
    assertThat(LocalLink.samePrefix(a, a, 33)).as("nonsense prefix").isFalse();
  }
}
