package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
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

  @Test
  void signedBytesArePrefixAndProtobufWithoutSignatureAndKey() {
    PubSubMessage m = MessageSigner.sign(PrivateKey.generate(KeyType.ED25519), "topic", new byte[300], 42);
    byte[] proto =
        RpcCodec.toProto(new PubSubMessage(m.from(), m.data(), m.seqno(), m.topic(), null, null)).toByteArray();
    byte[] prefix = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);
    byte[] expected = Arrays.copyOf(prefix, prefix.length + proto.length);
    System.arraycopy(proto, 0, expected, prefix.length, proto.length);
    assertThat(MessageSigner.signedBytes(m)).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519", "RSA"})
  void aCachedAuthorKeyStillCatchesTampering(KeyType type) {
    PrivateKey key = newKey(type);
    PubSubMessage first = MessageSigner.sign(key, "t", new byte[] {1}, 1);
    PubSubMessage second = MessageSigner.sign(key, "t", new byte[] {2}, 2);
    assertThat(MessageSigner.checkSigned(first)).isEmpty(); // parses and caches the key
    assertThat(MessageSigner.checkSigned(second)).isEmpty(); // from the cache
    PubSubMessage swapped =
        new PubSubMessage(second.from(), second.data(), second.seqno(), second.topic(), first.signature(), second.key());
    assertThat(MessageSigner.checkSigned(swapped)).hasValue("invalid signature");
    if (type == KeyType.RSA) {
      assertThat(first.key()).as("RSA keys travel in the key field").isNotNull();
      PubSubMessage foreignKey = new PubSubMessage(second.from(), second.data(), second.seqno(), second.topic(),
          second.signature(), newKey(type).publicKey().marshal());
      assertThat(MessageSigner.checkSigned(foreignKey)).hasValue("key does not match from");
    }
  }

  /** A fresh key; RSA (which PrivateKey cannot generate) from the JDK's generator, as PKCS#1 DER. */
  private static PrivateKey newKey(KeyType type) {
    if (type != KeyType.RSA) {
      return PrivateKey.generate(type);
    }
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      byte[] pkcs8 = g.generateKeyPair().getPrivate().getEncoded();
      byte[] pkcs1 = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey()
          .toASN1Primitive().getEncoded();
      return PrivateKey.fromRaw(KeyType.RSA, pkcs1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
