package io.serenity.p2p.eth2.gossip;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.pubsub.MessageId;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.ReceivedMessage;
import io.serenity.p2p.pubsub.ValidationResult;
import io.serenity.p2p.pubsub.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three Java nodes in a line (a - b - c) on the Ethereum profile: ssz_snappy messages cross the middle
 * node with the eth2 ids, a validator rejects what does not decode, and a payload bigger than the host's
 * default 4 MiB read buffer still arrives with {@link Eth2GossipProfile#hostConfig()}.
 */
class Eth2GossipNetworkTest {

  private static final Bytes4 DIGEST = Bytes4.fromHex("b5303f2a");
  private static final String TOPIC = Eth2Topics.topic(DIGEST, Eth2Topic.BEACON_BLOCK);
  private final TestHosts hosts = new TestHosts();
  private final List<PubSub> nodes = new ArrayList<>();
  private final java.util.Map<PubSub, Host> hostOf = new java.util.IdentityHashMap<>();

  @AfterEach
  void close() {
    nodes.forEach(PubSub::close);
    hosts.close();
  }

  private PubSub node(Eth2GossipProfile profile) {
    Host h = hosts.start(KeyType.SECP256K1, profile.hostConfig());
    PubSub ps = PubSub.gossipsub(h, profile.pubSubConfig(), profile.gossipSubParams());
    await(ps.start());
    nodes.add(ps);
    hostOf.put(ps, h);
    // every node checks payloads before forwarding, as a beacon node does
    ps.addValidator(TOPIC, Validator.of((from, m) -> {
      try {
        profile.decompress(m.data());
        return ValidationResult.ACCEPT;
      } catch (SnappyException e) {
        return ValidationResult.REJECT;
      }
    }));
    return ps;
  }

  @Test
  void sszSnappyCrossesTheMeshAndBadPayloadsStop() throws Exception {
    Eth2GossipProfile profile = Eth2GossipProfile.defaults().withMaxPayloadSize(6 << 20);
    PubSub a = node(profile);
    PubSub b = node(profile);
    PubSub c = node(profile);
    List<ReceivedMessage> atC = new CopyOnWriteArrayList<>();
    CountDownLatch three = new CountDownLatch(3);
    for (PubSub ps : List.of(a, b)) {
      ps.subscribe(TOPIC, m -> { });
    }
    c.subscribe(TOPIC, m -> {
      atC.add(m);
      three.countDown();
    });
    // a - b - c: c hears a only through b
    connect(b, a);
    connect(c, b);
    await(a.whenMesh(TOPIC, 1));
    await(c.whenMesh(TOPIC, 1));
    await(b.whenMesh(TOPIC, 2));

    StatusMessage s = new StatusMessage(DIGEST, Bytes32.ZERO, 3, Bytes32.ZERO, 99);
    byte[] wire = profile.encode(StatusMessage.CODEC, s);
    MessageId id = await(a.publish(TOPIC, wire));
    assertThat(id.bytes()).isEqualTo(Eth2MessageId.compute(TOPIC, wire, true, profile.maxPayloadSize()));

    byte[] garbage = {(byte) 0xff, 0, (byte) 0xff, 0};
    // a 5 MiB incompressible payload: above the host's default 4 MiB read buffer
    byte[] big = new byte[5 << 20];
    new Random(1).nextBytes(big);
    byte[] bigWire = SnappyBlock.compress(big);
    assertThat(bigWire.length).isGreaterThan(4 << 20);
    await(a.publish(TOPIC, bigWire));
    StatusMessage s2 = new StatusMessage(DIGEST, Bytes32.ZERO, 4, Bytes32.ZERO, 100);
    await(a.publish(TOPIC, profile.encode(StatusMessage.CODEC, s2)));

    assertThat(three.await(30, TimeUnit.SECONDS)).as("c received %s", atC.size()).isTrue();
    assertThat(atC.get(0).id()).isEqualTo(id);
    assertThat(profile.decode(StatusMessage.CODEC, atC.get(0).data())).isEqualTo(s);
    assertThat(atC).extracting(m -> m.data().length).contains(bigWire.length);
    assertThat(atC).allSatisfy(m -> assertThat(m.message().from()).isNull());

    // the garbage is refused at a's own validation: it never leaves the node
    assertThat(a.publish(TOPIC, garbage)).failsWithin(10, TimeUnit.SECONDS);
    assertThatNoSszDecodes(garbage);
  }

  private static void assertThatNoSszDecodes(byte[] garbage) {
    try {
      Eth2GossipProfile.defaults().decode(StatusMessage.CODEC, garbage);
      throw new AssertionError("garbage decoded");
    } catch (SnappyException expected) {
      // typed
    } catch (SszException unexpected) {
      throw new AssertionError("SszException escaped the gossip codec", unexpected);
    }
  }

  private void connect(PubSub from, PubSub to) {
    await(hostOf.get(from).connect(TestHosts.dialAddr(hostOf.get(to))));
  }
}
