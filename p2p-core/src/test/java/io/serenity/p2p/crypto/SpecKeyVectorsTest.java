package io.serenity.p2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The key test vectors of libp2p/specs peer-ids/peer-ids.md ("Test vectors"): every private key unmarshals,
 * re-marshals byte-identically, yields the published public key, signs and verifies; peer ids derived from the
 * public keys are checked against independently computed values (WIRE-REFERENCE 1.5 and vectors.py).
 */
class SpecKeyVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  static Stream<Arguments> vectors() {
    return Stream.of(
        Arguments.of(KeyType.ED25519,
            "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
            "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
            "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
            "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6"),
        Arguments.of(KeyType.SECP256K1,
            "0802122053DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB",
            "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99",
            "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY",
            "bafzaajiiaijcca3xo7uzjzcsyilaj6i54cj44qk7kqzpoao5rti2pjx6udtdbp6kte"),
        Arguments.of(KeyType.ECDSA,
            "08031279307702010104203E5B1FE9712E6C314942A750BD67485DE3C1EFE85B1BFB520AE8F9AE3DFA4A4CA00A06082A8648CE3D030107A14403420004DE3D300FA36AE0E8F5D530899D83ABAB44ABF3161F162A4BC901D8E6ECDA020E8B6D5F8DA30525E71D6851510C098E5C47C646A597FB4DCEC034E9F77C409E62",
            "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62",
            "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk",
            "bafzbeidigywdclqvl5hxfefwp5onbffcfife7pza57mmfb4tiqmtkdjw64"),
        Arguments.of(KeyType.RSA, resource("rsa-private.hex"), resource("rsa-public.hex"),
            "QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG",
            "bafzbeifwzcumbiyql7bhv7fe7mixg6i7aohegq75k234m63bnw6dbicmzu"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void privateKeyUnmarshalsAndRemarshalsByteIdentically(KeyType type, String priv, String pub, String b58, String cid) {
    PrivateKey key = PrivateKey.unmarshal(HEX.parseHex(priv));
    assertThat(key.type()).isEqualTo(type);
    assertThat(HEX.formatHex(key.marshal())).isEqualToIgnoringCase(priv);
    assertThat(PrivateKey.unmarshal(key.marshal())).isEqualTo(key);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void publicKeyIsDerivableFromPrivateKey(KeyType type, String priv, String pub, String b58, String cid) {
    PrivateKey key = PrivateKey.unmarshal(HEX.parseHex(priv));
    assertThat(HEX.formatHex(key.publicKey().marshal())).isEqualTo(pub);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void publicKeyUnmarshalsAndRemarshalsByteIdentically(KeyType type, String priv, String pub, String b58, String cid) {
    PublicKey key = PublicKey.unmarshal(HEX.parseHex(pub));
    assertThat(key.type()).isEqualTo(type);
    assertThat(HEX.formatHex(key.marshal())).isEqualTo(pub);
    assertThat(key).isEqualTo(PrivateKey.unmarshal(HEX.parseHex(priv)).publicKey());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void signatureFromPrivateKeyVerifiesWithPublishedPublicKey(
      KeyType type, String priv, String pub, String b58, String cid) {
    PrivateKey key = PrivateKey.unmarshal(HEX.parseHex(priv));
    PublicKey publicKey = PublicKey.unmarshal(HEX.parseHex(pub));
    byte[] msg = "libp2p spec vector".getBytes(StandardCharsets.UTF_8);
    byte[] sig = key.sign(msg);
    assertThat(publicKey.verify(msg, sig)).isTrue();
    assertThat(publicKey.verify("other".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void peerIdOfPublicKeyMatchesExpectedTextForms(KeyType type, String priv, String pub, String b58, String cid) {
    PeerId id = PeerId.fromPublicKey(PublicKey.unmarshal(HEX.parseHex(pub)));
    assertThat(id.toBase58()).isEqualTo(b58);
    assertThat(id.toCid()).isEqualTo(cid);
    assertThat(PeerId.parse(b58)).isEqualTo(id);
    assertThat(PeerId.parse(cid)).isEqualTo(id);
    boolean inlined = type == KeyType.ED25519 || type == KeyType.SECP256K1;
    assertThat(id.extractPublicKey()).isEqualTo(
        inlined ? java.util.Optional.of(PublicKey.unmarshal(HEX.parseHex(pub))) : java.util.Optional.empty());
  }

  private static String resource(String name) {
    try (InputStream in = SpecKeyVectorsTest.class.getResourceAsStream("/peer-ids/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
