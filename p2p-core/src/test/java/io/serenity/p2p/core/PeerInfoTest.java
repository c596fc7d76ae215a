package io.serenity.p2p.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerInfoTest {
  private static final String ID = "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY";

  @Test
  void makePeerSplitsIdAndTransportAddress() {
    PeerInfo p = PeerInfo.makePeer("/ip4/1.2.3.4/tcp/4000/p2p/" + ID);
    assertThat(p.id()).isEqualTo(PeerId.parse(ID));
    assertThat(p.addrs()).containsExactly(Multiaddr.parse("/ip4/1.2.3.4/tcp/4000"));
  }

  @Test
  void makePeerAcceptsIpfsAliasAndCidIds() {
    PeerId id = PeerId.parse(ID);
    assertThat(PeerInfo.makePeer("/ip4/1.2.3.4/tcp/4000/ipfs/" + ID))
        .isEqualTo(PeerInfo.makePeer("/ip4/1.2.3.4/tcp/4000/p2p/" + id.toCid()));
  }

  @Test
  void makePeerWithOnlyAnIdHasNoAddresses() {
    assertThat(PeerInfo.makePeer("/p2p/" + ID).addrs()).isEmpty();
  }

  @Test
  void rejectsAddressWithoutLeadingSlash() {
    assertThatThrownBy(() -> PeerInfo.makePeer("ip4/1.2.3.4/tcp/4000/p2p/" + ID))
        .isInstanceOf(FormatException.class).hasMessage("invalid multiaddr, must begin with /");
  }

  @Test
  void rejectsAddressWithoutP2pComponent() {
    assertThatThrownBy(() -> PeerInfo.makePeer("/ip4/1.2.3.4/tcp/4000"))
        .isInstanceOf(FormatException.class).hasMessageStartingWith("missing /p2p component");
  }

  @Test
  void rejectsBadBase58NamingTheOffset() {
    String bad = ID.substring(0, 7) + "0" + ID.substring(8);
    assertThatThrownBy(() -> PeerInfo.makePeer("/ip4/1.2.3.4/tcp/4000/p2p/" + bad))
        .isInstanceOf(FormatException.class).hasMessageContaining("bad base58 in peer id at offset 7");
  }

  @Test
  void rejectsUnknownProtocol() {
    assertThatThrownBy(() -> PeerInfo.makePeer("/ip4/1.2.3.4/foo/4000/p2p/" + ID))
        .isInstanceOf(FormatException.class).hasMessage("unknown protocol 'foo'");
  }

  @Test
  void rejectsP2pThatIsNotLast() {
    assertThatThrownBy(() -> PeerInfo.makePeer("/p2p/" + ID + "/tcp/1"))
        .isInstanceOf(FormatException.class).hasMessageContaining("/p2p must be the last component");
  }

  @Test
  void rejectsBadValuesAndEmptyInput() {
    assertThatThrownBy(() -> PeerInfo.makePeer("")).isInstanceOf(FormatException.class).hasMessage("empty multiaddr");
    assertThatThrownBy(() -> PeerInfo.makePeer("/ip4/1.2.3.4/tcp/70000/p2p/" + ID))
        .isInstanceOf(FormatException.class).hasMessageContaining("invalid port '70000'");
    assertThatThrownBy(() -> PeerInfo.makePeer("/ip4/1.2.3.4/tcp/4000/p2p"))
        .isInstanceOf(FormatException.class).hasMessage("missing value for /p2p");
    assertThatThrownBy(() -> PeerInfo.makePeer("/ip4/1.2.3.4/tcp/4000/p2p/Qm"))
        .isInstanceOf(FormatException.class).hasMessageContaining("bad peer id multihash");
  }

  @Test
  void recordCopiesAddressList() {
    java.util.ArrayList<Multiaddr> list = new java.util.ArrayList<>(List.of(Multiaddr.parse("/tcp/1")));
    PeerInfo p = new PeerInfo(PeerId.parse(ID), list);
    list.clear();
    assertThat(p.addrs()).hasSize(1);
  }
}
