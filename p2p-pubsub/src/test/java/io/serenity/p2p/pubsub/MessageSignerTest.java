package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MessageSignerTest {

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519"})
  void signedMessagesVerifyAndTamperingIsCaught(KeyType type) {
    PrivateKey key = PrivateKey.generate(type);
    PubSubMessage m = MessageSigner.sign(key, "t", new byte[] {1, 2, 3}, 7);
    assertThat(m.seqno()).containsExactly(0, 0, 0, 0, 0, 0, 0, 7);
    assertThat(m.key()).as("small keys are inlined in the PeerId").isNull();
    assertThat(MessageSigner.checkSigned(m)).isEmpty();

    PubSubMessage otherData = new PubSubMessage(m.from(), new byte[] {9}, m.seqno(), m.topic(), m.signature(), null);
    assertThat(MessageSigner.checkSigned(otherData)).hasValue("invalid signature");
    PubSubMessage otherTopic = new PubSubMessage(m.from(), m.data(), m.seqno(), "u", m.signature(), null);
    assertThat(MessageSigner.checkSigned(otherTopic)).hasValue("invalid signature");
    PrivateKey other = PrivateKey.generate(type);
    PubSubMessage wrongKey = new PubSubMessage(m.from(), m.data(), m.seqno(), m.topic(), m.signature(), other.publicKey().marshal());
    assertThat(MessageSigner.checkSigned(wrongKey)).hasValue("key does not match from");
    PubSubMessage noSig = new PubSubMessage(m.from(), m.data(), m.seqno(), m.topic(), null, null);
    assertThat(MessageSigner.checkSigned(noSig)).get().asString().contains("unsigned");
    PubSubMessage badFrom = new PubSubMessage(new byte[] {1, 2}, m.data(), m.seqno(), m.topic(), m.signature(), null);
    assertThat(MessageSigner.checkSigned(badFrom)).get().asString().startsWith("bad from");
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"SECP256K1"})
  void strictNoSignRejectsAnyAuthorField(KeyType type) {
    assertThat(MessageSigner.checkUnsigned(new PubSubMessage(null, new byte[1], null, "t", null, null))).isEmpty();
    assertThat(MessageSigner.checkUnsigned(new PubSubMessage(null, new byte[1], new byte[8], "t", null, null))).isPresent();
    assertThat(MessageSigner.checkUnsigned(MessageSigner.sign(PrivateKey.generate(type), "t", new byte[1], 1))).isPresent();
  }
}
