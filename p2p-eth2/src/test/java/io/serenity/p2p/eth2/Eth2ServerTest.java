package io.serenity.p2p.eth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.eth2.gossip.Eth2GossipProfile;
import io.serenity.p2p.eth2.gossip.Eth2MessageId;
import io.serenity.p2p.eth2.gossip.SnappyBlock;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.SignaturePolicy;
import io.serenity.p2p.server.Message;
import io.serenity.p2p.server.MessageCodecException;
import io.serenity.p2p.server.MessageContext;
import io.serenity.p2p.server.Server;
import io.serenity.p2p.server.ServerConfig;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two servers on the Ethereum preset exchanging an SSZ type by gossip and by direct send. */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class Eth2ServerTest {

  private static final long WAIT_S = 30;
  private static final byte[] DIGEST = {(byte) 0xb5, 0x30, 0x3f, 0x2a};

  private static StatusMessage status(long slot) {
    return new StatusMessage(new Bytes4(DIGEST), Bytes32.ZERO, 0, Bytes32.ZERO, slot);
  }

  private static Server server() {
    return new Server(Eth2Server.ethereum(DIGEST).listen("/ip4/127.0.0.1/tcp/0").minPeers(0).build());
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT_S, TimeUnit.SECONDS);
  }

  private static <T> T take(BlockingQueue<T> q) throws InterruptedException {
    T v = q.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(v).as("nothing arrived within %s s", WAIT_S).isNotNull();
    return v;
  }

  /**
   * altair p2p-interface.md: SHA256(MESSAGE_DOMAIN_VALID_SNAPPY + uint_to_bytes(uint64(len(topic)))
   * + topic + snappy_decompress(data))[:20], written out here independently of Eth2MessageId.
   */
  private static byte[] altairId(String topic, byte[] uncompressed) throws Exception {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    md.update(new byte[] {1, 0, 0, 0});
    byte[] t = topic.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    md.update(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(t.length).array());
    md.update(t);
    md.update(uncompressed);
    return java.util.Arrays.copyOf(md.digest(), 20);
  }

  @Test
  void thePresetSetsTheEthereumProfile() {
    ServerConfig c = Eth2Server.ethereum(DIGEST).build();
    Eth2GossipProfile p = Eth2GossipProfile.defaults();
    assertThat(c.signaturePolicy()).isEqualTo(SignaturePolicy.STRICT_NO_SIGN);
    assertThat(c.pubSubConfig().seenTtl()).as("two epochs, not the pubsub default").isEqualTo(PubSubConfig.ETHEREUM_SEEN_TTL);
    assertThat(c.gossipSubParams()).isEqualTo(GossipSubParams.ethereum());
    assertThat(c.maxGossipMessageSize()).isEqualTo(p.maxCompressedSize());
    assertThat(c.hostConfig().maxStreamReadBuffer()).isGreaterThan(p.pubSubConfig().maxRpcSize());
    assertThat(c.codec()).isInstanceOf(SszSnappyCodec.class);
    assertThat(c.codec().name()).isEqualTo("ssz_snappy");
  }

  @Test
  void aBadDigestOrAnUnregisteredTypeIsRefused() {
    assertThatThrownBy(() -> Eth2Server.ethereum(new byte[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("forkDigest must be 4 bytes, got 3");
    Server s = new Server(Eth2Server.ethereum(DIGEST).build());
    try {
      assertThatThrownBy(() -> s.registerTopic("strings", String.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("java.lang.String has no SSZ codec");
    } finally {
      s.stop();
    }
  }

  @Test
  void theCodecIsSnappyBlockOfSszAndRejectsOversizeOrMalformedInput() {
    SszSnappyCodec codec = SszSnappyCodec.withStandardTypes();
    StatusMessage st = status(7);
    byte[] wire = codec.encode(st);
    assertThat(wire).isEqualTo(SnappyBlock.compress(st.encode()));
    assertThat(codec.decode(wire, StatusMessage.class)).isEqualTo(st);
    // a Goodbye (8 bytes) block declared as a Status (84 bytes) fails as SSZ
    assertThatThrownBy(() -> codec.decode(codec.encode(new Goodbye(1)), StatusMessage.class))
        .isInstanceOf(MessageCodecException.class)
        .hasMessageContaining("as ssz_snappy");
    // more than the fixed size of the type is refused before inflating
    byte[] big = SnappyBlock.compress(new byte[StatusMessage.CODEC.fixedSize() + 1]);
    assertThatThrownBy(() -> codec.decode(big, StatusMessage.class)).isInstanceOf(MessageCodecException.class);
    assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xff, 1, 2}, StatusMessage.class))
        .isInstanceOf(MessageCodecException.class);
    // a payload over the limit is refused on encode, and an unregistered type names the fix
    SszSnappyCodec small = SszSnappyCodec.create(16).register(StatusMessage.class, StatusMessage.CODEC);
    assertThatThrownBy(() -> small.encode(st))
        .isInstanceOf(MessageCodecException.class)
        .hasMessageContaining("SSZ payload of 84 bytes exceeds 16");
    assertThatThrownBy(() -> small.checkType(Goodbye.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SszSnappyCodec.register");
    assertThatThrownBy(() -> Eth2Server.ethereum(DIGEST, small))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differs from the profile's");
  }

  @Test
  void fuluStatusAndMetaDataSetBeforeStartAreServedAsV2AndV3() throws Exception {
    io.serenity.p2p.eth2.types.StatusMessageV2 v2 = io.serenity.p2p.eth2.types.StatusMessageV2.of(status(9), 4);
    io.serenity.p2p.eth2.types.MetaDataV3 v3 = new io.serenity.p2p.eth2.types.MetaDataV3(
        3, io.serenity.p2p.eth2.ssz.Bitvector.of(64, 5), io.serenity.p2p.eth2.ssz.Bitvector.empty(4), 16);
    try (Eth2Server a = new Eth2Server(Eth2Server.ethereum(DIGEST).listen("/ip4/127.0.0.1/tcp/0").minPeers(0).build(),
            io.serenity.p2p.eth2.reqresp.ReqRespConfig.defaults(), status(1));
        Eth2Server b = new Eth2Server(Eth2Server.ethereum(DIGEST).listen("/ip4/127.0.0.1/tcp/0").minPeers(0).build(),
            io.serenity.p2p.eth2.reqresp.ReqRespConfig.defaults(), status(2))) {
      a.setStatusV2(v2);
      a.setMetaDataV3(v3);
      a.start();
      b.start();
      await(b.server().connect(a.server().listenAddrs().get(0).toString()));
      io.serenity.p2p.core.PeerId aId = a.reqResp().host().peerId();
      assertThat(await(b.reqResp().metaDataV3(aId))).isEqualTo(v3);
      assertThat(await(b.reqResp().request(aId, io.serenity.p2p.eth2.reqresp.Eth2Methods.STATUS_V2,
          io.serenity.p2p.eth2.types.StatusMessageV2.of(status(2), 0)))).isEqualTo(v2);
      assertThat(await(b.reqResp().exchangeStatus(aId))).isEqualTo(v2.toV1());
    }
  }

  @Test
  void twoPresetServersExchangeAnSszTypeByBroadcastAndSendWithTheEth2MessageId() throws Exception {
    String topic = Eth2Server.topic(DIGEST, "status_test");
    assertThat(topic).isEqualTo("/eth2/b5303f2a/status_test/ssz_snappy");
    Server a = server();
    Server b = server();
    try {
      a.registerTopic(topic, StatusMessage.class);
      b.registerTopic(topic, StatusMessage.class);
      BlockingQueue<Message<StatusMessage>> atB = new LinkedBlockingQueue<>();
      b.feed(StatusMessage.class).subscribe(atB);
      a.start();
      b.start();
      await(b.connect(a.listenAddrs().get(0).toString()));
      await(a.whenTopicPeers(topic, 1));

      StatusMessage gossiped = status(42);
      await(a.broadcast(gossiped));
      Message<StatusMessage> m = take(atB);
      assertThat(m.data()).isEqualTo(gossiped);
      assertThat(m.context().source()).isEqualTo(MessageContext.Source.PUBSUB);
      byte[] expectedId = altairId(topic, gossiped.encode());
      assertThat(expectedId).isEqualTo(Eth2MessageId.compute(
          topic, SnappyBlock.compress(gossiped.encode()), true, Eth2GossipProfile.MAX_PAYLOAD_SIZE));
      assertThat(m.context().messageId()).isEqualTo(HexFormat.of().formatHex(expectedId));
      assertThat(expectedId).hasSize(Eth2MessageId.LENGTH);

      StatusMessage direct = status(43);
      await(a.send(direct, b.peerId()));
      Message<StatusMessage> d = take(atB);
      assertThat(d.data()).isEqualTo(direct);
      assertThat(d.context().source()).isEqualTo(MessageContext.Source.DIRECT);
      assertThat(d.peer()).isEqualTo(a.peerId());
    } finally {
      a.stop();
      b.stop();
    }
  }
}
