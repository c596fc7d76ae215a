package io.serenity.p2p.protocol.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.protocol.identify.internal.pb.IdentifyProtos;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdentifyCodecTest {

  @Test
  void roundTripsEveryField() {
    IdentifyInfo info =
        new IdentifyInfo(
            Optional.of(PrivateKey.fromSeed(KeyType.SECP256K1, 1).publicKey()),
            List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.parse("/ip6/::1/tcp/4002")),
            List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"),
            Optional.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/5555")),
            Optional.of("ipfs/0.1.0"),
            Optional.of("serenity-p2p/0.1.0"));
    assertThat(IdentifyCodec.decode(IdentifyCodec.encode(info))).isEqualTo(info);
  }

  @Test
  void emptyMessageDecodesToEmptyInfo() {
    IdentifyInfo info = IdentifyCodec.decode(new byte[0]);
    assertThat(info.publicKey()).isEmpty();
    assertThat(info.protocols()).isEmpty();
    assertThat(info.agentVersion()).isEmpty();
  }

  @Test
  void unparseableAddressesAreSkipped() {
    byte[] bytes =
        IdentifyProtos.Identify.newBuilder()
            .addListenAddrs(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f}))
            .addListenAddrs(ByteString.copyFrom(Multiaddr.parse("/ip4/1.2.3.4/tcp/1").toBytes()))
            .build()
            .toByteArray();
    assertThat(IdentifyCodec.decode(bytes).listenAddrs())
        .containsExactly(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"));
  }

  @Test
  void malformedProtobufIsRejected() {
    assertThatThrownBy(() -> IdentifyCodec.decode(new byte[] {0x0a, 0x05, 0x01}))
        .isInstanceOf(IdentifyException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void badPublicKeyIsRejected() {
    byte[] bytes =
        IdentifyProtos.Identify.newBuilder()
            .setPublicKey(ByteString.copyFrom(new byte[] {8, 2, 18, 3, 1, 2, 3}))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> IdentifyCodec.decode(bytes))
        .isInstanceOf(IdentifyException.class)
        .hasMessageContaining("public key");
  }

  @Test
  void encodeSendsNoMoreAddressesThanAReceiverAccepts() {
    List<Multiaddr> many = new java.util.ArrayList<>();
    for (int i = 0; i < IdentifyCodec.MAX_ADDRS + 10; i++) {
      many.add(Multiaddr.parse("/ip4/10.0." + (i / 256) + "." + (i % 256) + "/tcp/9000"));
    }
    IdentifyInfo info = new IdentifyInfo(Optional.empty(), many, List.of(), Optional.empty(), Optional.empty(),
        Optional.empty());
    assertThat(IdentifyCodec.decode(IdentifyCodec.encode(info)).listenAddrs())
        .containsExactlyElementsOf(many.subList(0, IdentifyCodec.MAX_ADDRS));
  }

  @Test
  void tooManyProtocolsAreRejected() {
    IdentifyProtos.Identify.Builder b = IdentifyProtos.Identify.newBuilder();
    for (int i = 0; i <= IdentifyCodec.MAX_PROTOCOLS; i++) {
      b.addProtocols("/p/" + i);
    }
    byte[] bytes = b.build().toByteArray();
    assertThatThrownBy(() -> IdentifyCodec.decode(bytes)).isInstanceOf(IdentifyException.class);
  }
}
