package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.gossip.Eth2GossipProfile;
import io.serenity.p2p.eth2.gossip.Eth2MessageId;
import io.serenity.p2p.eth2.gossip.Eth2Topic;
import io.serenity.p2p.eth2.gossip.Eth2Topics;
import io.serenity.p2p.eth2.gossip.ForkDigest;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.pubsub.MessageId;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.ReceivedMessage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Ethereum gossip profile against js-libp2p configured as Ethereum clients configure it
 * (pubsub-peer.mjs {@code --sign none --msg-id eth2 --snappy}, secp256k1 identities) on
 * {@code /eth2/<mainnet genesis digest>/beacon_block/ssz_snappy}: snappy-compressed SSZ from Java
 * reaches js with the same message id on both sides, and snappyjs-compressed payloads from js reach
 * Java, decompress within the profile's limits and carry the id the eth2 function gives.
 */
class Eth2GossipInteropTest {

  private static final int MESSAGES = 10;
  private static final int JS_SIZE = 300;
  private static final Bytes32 MAINNET_GVR =
      Bytes32.fromHex("4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95");

  @ParameterizedTest(name = "{0} dials")
  @ValueSource(strings = {"java", "js"})
  void ssz_snappyMessagesFlowBothWaysWithAgreeingIds(String dialer) throws Exception {
    Eth2GossipProfile profile = Eth2GossipProfile.defaults();
    Bytes4 digest = ForkDigest.compute(Bytes4.ZERO, MAINNET_GVR);
    String topic = Eth2Topics.topic(digest, Eth2Topic.BEACON_BLOCK);
    assertThat(topic).isEqualTo("/eth2/b5303f2a/beacon_block/ssz_snappy");
    try (Host host = Host.builder().config(profile.hostConfig()).identity(PrivateKey.generate(KeyType.SECP256K1)).listen("/ip4/127.0.0.1/tcp/0").build();
        PubSub pubsub = PubSub.gossipsub(host, profile.pubSubConfig(), profile.gossipSubParams())) {
      host.start().join();
      pubsub.start().join();
      List<ReceivedMessage> got = new CopyOnWriteArrayList<>();
      CountDownLatch all = new CountDownLatch(MESSAGES);
      pubsub.subscribe(topic, m -> {
        got.add(m);
        all.countDown();
      });
      List<String> args = new ArrayList<>(List.of("--router", "gossipsub", "--sign", "none", "--msg-id", "eth2",
          "--key-type", "secp256k1", "--topic", topic, "--print-data", "4096", "--D", "2", "--Dlo", "1", "--Dhi", "3",
          "--publish", Integer.toString(MESSAGES), "--snappy", "--size", Integer.toString(JS_SIZE), "--rate", "20"));
      if (dialer.equals("js")) {
        args.addAll(List.of("--dial", host.listenAddrs().get(0) + "/p2p/" + host.peerId()));
      }
      try (JsPubSubPeer js = JsPubSubPeer.start(args)) {
        if (dialer.equals("java")) {
          host.connect(Multiaddr.parse(js.listenAddr())).get(30, TimeUnit.SECONDS);
        }
        js.await("subscribed");
        try {
          pubsub.whenPeers(topic, 1).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          throw js.failure("Java never saw js subscribed to " + topic + " (connections " + host.connections() + ")");
        }
        js.await(e -> e.name().equals("graft") && e.str("peerId").equals(host.peerId().toBase58()),
            "a graft of the Java peer", JsPubSubPeer.DEFAULT_WAIT);

        // Java -> js: snappy(SSZ) payloads; js's eth2 id of each equals the id Java's publish returned
        Map<String, String> idByData = new HashMap<>();
        for (int i = 0; i < MESSAGES; i++) {
          StatusMessage s = new StatusMessage(digest, MAINNET_GVR, i, Bytes32.ZERO, 1000 + i);
          byte[] wire = profile.encode(StatusMessage.CODEC, s);
          MessageId id = pubsub.publish(topic, wire).get(10, TimeUnit.SECONDS);
          assertThat(id.length()).isEqualTo(Eth2MessageId.LENGTH);
          idByData.put(Base64.getEncoder().encodeToString(wire), id.toString());
        }
        for (int i = 0; i < MESSAGES; i++) {
          JsEvent m = js.await("message");
          assertThat(m.str("topic")).isEqualTo(topic);
          assertThat(m.fields().get("from")).as("StrictNoSign: no author").isNull();
          String data = m.str("data");
          assertThat(idByData).containsKey(data);
          assertThat(m.str("id")).as("js id of Java message %d", i).isEqualTo(idByData.remove(data));
        }
        assertThat(idByData).isEmpty();

        // js -> Java: js published MESSAGES random payloads of JS_SIZE bytes, compressed by snappyjs
        // (--publish --snappy); Java decompresses them within the profile's limit
        assertThat(all.await(30, TimeUnit.SECONDS)).as("Java received %s", got.size()).isTrue();
        for (ReceivedMessage m : got) {
          assertThat(m.topic()).isEqualTo(topic);
          assertThat(m.message().from()).isNull();
          assertThat(m.message().seqno()).isNull();
          assertThat(m.message().signature()).isNull();
          assertThat(m.id().length()).isEqualTo(Eth2MessageId.LENGTH);
          assertThat(m.id()).isEqualTo(Eth2MessageId.of(m.message()));
          assertThat(m.receivedFrom()).isEqualTo(PeerId.parse(js.peerId()));
          assertThat(profile.decompress(m.data())).hasSize(JS_SIZE);
        }
        assertThat(got).extracting(ReceivedMessage::id).doesNotHaveDuplicates();
        assertThat(pubsub.stats().get(topic).rejected()).isZero();
        assertThat(js.events("error")).isEmpty();
      }
    }
  }
}
