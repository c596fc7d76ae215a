package io.serenity.p2p.pubsub;

import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpus of {@link RpcFuzzTest} from our own encoder (docs/testing.md
 * "Fuzzing"). Runs only on request: {@code -Dtest=*FuzzSeeds -Dfuzz.writeSeeds=true}.
 */
@EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
class PubSubFuzzSeeds {

  @Test
  void write() {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 5);
    PrivateKey ed = PrivateKey.fromSeed(KeyType.ED25519, 6);
    PubSubMessage signed = MessageSigner.sign(key, "blocks", "payload".getBytes(StandardCharsets.UTF_8), 42);
    PubSubMessage signedEd = MessageSigner.sign(ed, "blocks", new byte[] {1, 2, 3}, 1);
    PubSubMessage withKey = new PubSubMessage(signed.from(), signed.data(), signed.seqno(), signed.topic(),
        signed.signature(), key.publicKey().marshal());
    PubSubMessage unsigned = new PubSubMessage(null, new byte[] {9, 9}, null, "attestations", null, null);
    MessageId id = new MessageId(new byte[] {1, 2, 3, 4});
    byte[] px = PeerId.fromPublicKey(ed.publicKey()).toBytes();
    Class<?> t = RpcFuzzTest.class;
    writeSeed(t, "rpc", "subscriptions", RpcCodec.encode(new Rpc(
        List.of(new Rpc.SubOpts(true, "blocks"), new Rpc.SubOpts(false, "attestations")), List.of(), Rpc.Control.EMPTY)));
    writeSeed(t, "rpc", "messages", RpcCodec.encode(new Rpc(List.of(), List.of(signed, signedEd, withKey, unsigned),
        Rpc.Control.EMPTY)));
    writeSeed(t, "rpc", "control", RpcCodec.encode(Rpc.control(new Rpc.Control(
        List.of(new Rpc.IHave("blocks", List.of(id))), List.of(new Rpc.IWant(List.of(id))),
        List.of(new Rpc.Graft("blocks")), List.of(new Rpc.Prune("blocks", List.of(new Rpc.PxPeer(px, null)), 60)),
        List.of(new Rpc.IDontWant(List.of(id)))))));
    // deep nesting of an unknown group field, and a subscription without a topic
    writeSeed(t, "rpc", "deep-unknown", HexFormat.of().parseHex("0b0b0b0b0b0b0b0b0b0b0c0c0c0c0c0c0c0c0c0c"));
    writeSeed(t, "rpc", "subscription-without-topic", HexFormat.of().parseHex("0a020801"));
  }
}
