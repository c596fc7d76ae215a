package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys, PeerIds and signatures agree between p2p-core and js-libp2p ({@code @libp2p/crypto} and
 * {@code @libp2p/peer-id}, via interop/js/vectors.mjs): the same private key gives the same marshalled
 * keys and the same PeerId text, and each side verifies the other's signatures and rejects tampered ones.
 *
 * <p>Keys come from three places, so neither side only checks itself: fixed keys (edge scalars, RFC 8032
 * seed), keys Java generated, and keys js generated. Key encodings: libp2p peer-ids spec, "Keys" and
 * "Peer Ids" sections.
 */
class JsKeyVectorsTest {

    private static final Duration JS_WAIT = Duration.ofSeconds(90);
    private static final HexFormat HEX = HexFormat.of();
    private static final int JS_RANDOM_KEYS = 3;

    /** Fixed raw private keys: secp256k1 32-byte scalars, ed25519 32-byte seeds. */
    private static List<String> fixedKeys(KeyType type) {
        return switch (type) {
            case SECP256K1 -> List.of(
                    "0000000000000000000000000000000000000000000000000000000000000001",
                    "0000000000000000000000000000000000000000000000000000000000000002",
                    // n - 1, the largest valid scalar: its public key is -G.
                    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
                    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                    // A scalar with a leading zero byte: must stay 32 bytes in every encoding.
                    "00ee5b6ad7c5e0fd3f8f5db7a7dbd5b8e2c19e2f3f0f1c3b8e6c5a4f3e2d1c0b");
            case ED25519 -> List.of(
                    "0000000000000000000000000000000000000000000000000000000000000000",
                    // RFC 8032 section 7.1, TEST 1 secret key.
                    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                    "0101010101010101010101010101010101010101010101010101010101010101");
            default -> throw new IllegalArgumentException("no fixed keys for " + type);
        };
    }

    /** Keys and js's vectors for them, made once per key type: each vectors.mjs run costs a Node start. */
    private static final Map<KeyType, List<PrivateKey>> JAVA_KEYS = new ConcurrentHashMap<>();
    private static final Map<KeyType, List<JsVector>> JS_VECTORS = new ConcurrentHashMap<>();

    private static List<PrivateKey> javaKeys(KeyType type) {
        return JAVA_KEYS.computeIfAbsent(type, JsKeyVectorsTest::makeJavaKeys);
    }

    private static List<JsVector> jsVectors(KeyType type) {
        return JS_VECTORS.computeIfAbsent(type, t -> jsVectors(t, javaKeys(t)));
    }

    /** Fixed keys, three keys Java derives from seeds, one Java generates at random. */
    private static List<PrivateKey> makeJavaKeys(KeyType type) {
        List<PrivateKey> keys = new ArrayList<>();
        for (String raw : fixedKeys(type)) {
            keys.add(PrivateKey.fromRaw(type, HEX.parseHex(raw)));
        }
        for (long seed = 1; seed <= 3; seed++) {
            keys.add(PrivateKey.fromSeed(type, seed));
        }
        keys.add(PrivateKey.generate(type));
        return keys;
    }

    private static String jsName(KeyType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Runs vectors.mjs on Java's keys plus {@link #JS_RANDOM_KEYS} keys js generates; returns one vector per
     * key, Java's first, in order.
     */
    private static List<JsVector> jsVectors(KeyType type, List<PrivateKey> keys) {
        ObjectNode request = JsonLines.object();
        ArrayNode keyList = request.putArray("keys");
        keys.forEach(k -> keyList.addObject().put("type", jsName(type)).put("privateKey", HEX.formatHex(k.raw())));
        request.put("random", JS_RANDOM_KEYS);
        request.putArray("types").add(jsName(type));
        String input = JsonLines.write(request);
        List<Map<String, Object>> lines = NodeScript.run(JS_WAIT, input, "vectors.mjs", "--stdin")
                .assertSuccess("vectors.mjs --stdin").jsonLines();
        assertThat(lines).hasSize(keys.size() + JS_RANDOM_KEYS);
        return lines.stream().map(JsVector::new).toList();
    }

    /** Asks js to verify each line; returns js's verdicts in order. */
    private static List<Boolean> jsVerifies(List<SignedMessage> inputs) {
        String stdin = inputs.stream().map(SignedMessage::toJson).collect(Collectors.joining("\n", "", "\n"));
        List<Map<String, Object>> out = NodeScript.run(JS_WAIT, stdin, "vectors.mjs", "verify")
                .assertSuccess("vectors.mjs verify").jsonLines();
        assertThat(out).hasSize(inputs.size());
        List<Boolean> verdicts = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            assertThat(((Number) out.get(i).get("index")).intValue()).isEqualTo(i);
            verdicts.add(Boolean.TRUE.equals(out.get(i).get("ok")));
        }
        return verdicts;
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519"})
    void samePrivateKeyGivesSameMarshalledKeysAndPeerIdInJavaAndJs(KeyType type) {
        List<JsVector> vectors = jsVectors(type);
        SoftAssertions soft = new SoftAssertions();
        for (JsVector v : vectors) {
            String where = v.source + " key " + v.hex("privateKey");
            PrivateKey priv = PrivateKey.fromRaw(type, v.bytes("privateKey"));
            PublicKey pub = priv.publicKey();
            soft.assertThat(pub.type()).as(where).isEqualTo(type);
            soft.assertThat(HEX.formatHex(pub.raw())).as("raw public key, " + where).isEqualTo(v.hex("publicKey"));
            soft.assertThat(HEX.formatHex(pub.marshal())).as("marshalled public key, " + where)
                    .isEqualTo(v.hex("marshalledPublicKey"));
            soft.assertThat(HEX.formatHex(priv.marshal())).as("marshalled private key, " + where)
                    .isEqualTo(v.hex("marshalledPrivateKey"));

            PeerId id = PeerId.fromPublicKey(pub);
            soft.assertThat(id.toBase58()).as("PeerId base58, " + where).isEqualTo(v.text("peerIdBase58"));
            soft.assertThat(id.toString()).as("PeerId toString, " + where).isEqualTo(v.text("peerIdBase58"));
            soft.assertThat(id.toCid()).as("PeerId CID, " + where).isEqualTo(v.text("peerIdCid"));
            soft.assertThat(HEX.formatHex(id.toBytes())).as("PeerId bytes, " + where).isEqualTo(v.hex("peerIdBytes"));
            soft.assertThat(PeerId.parse(v.text("peerIdBase58"))).as("parse js base58, " + where).isEqualTo(id);
            soft.assertThat(PeerId.parse(v.text("peerIdCid"))).as("parse js CID, " + where).isEqualTo(id);
            soft.assertThat(PeerId.fromBytes(v.bytes("peerIdBytes"))).as("js PeerId bytes, " + where).isEqualTo(id);
            soft.assertThat(id.extractPublicKey().map(PublicKey::marshal).map(HEX::formatHex))
                    .as("public key inside the PeerId, " + where).contains(v.hex("marshalledPublicKey"));

            // Reading js's encodings back gives the same key.
            soft.assertThat(PublicKey.unmarshal(v.bytes("marshalledPublicKey")).marshal()).as(where)
                    .isEqualTo(pub.marshal());
            soft.assertThat(PublicKey.fromRaw(type, v.bytes("publicKey")).marshal()).as(where).isEqualTo(pub.marshal());
            PrivateKey fromJs = PrivateKey.unmarshal(v.bytes("marshalledPrivateKey"));
            soft.assertThat(fromJs.type()).as(where).isEqualTo(type);
            soft.assertThat(fromJs.raw()).as("raw of js's marshalled private key, " + where).isEqualTo(priv.raw());
            soft.assertThat(fromJs.publicKey().marshal()).as(where).isEqualTo(pub.marshal());
        }
        soft.assertAll();
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519"})
    void jsSignaturesVerifyInJava(KeyType type) {
        List<JsVector> vectors = jsVectors(type);
        SoftAssertions soft = new SoftAssertions();
        for (JsVector v : vectors) {
            PublicKey pub = PublicKey.unmarshal(v.bytes("marshalledPublicKey"));
            soft.assertThat(pub.verify(v.bytes("message"), v.bytes("signature")))
                    .as("js signature by %s key %s", v.source, v.hex("privateKey")).isTrue();
        }
        soft.assertAll();
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519"})
    void tamperedJsSignaturesFailInJava(KeyType type) {
        List<JsVector> vectors = jsVectors(type);
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < vectors.size(); i++) {
            JsVector v = vectors.get(i);
            PublicKey pub = PublicKey.unmarshal(v.bytes("marshalledPublicKey"));
            byte[] msg = v.bytes("message");
            byte[] sig = v.bytes("signature");
            for (Tamper t : Tamper.values()) {
                // verify never throws on bad signature bytes (contract): a throw fails the test here.
                soft.assertThat(pub.verify(t.message(msg), t.signature(sig)))
                        .as("%s js signature, key %s", t, v.hex("privateKey")).isFalse();
            }
            // The right signature under another key.
            PublicKey other = PublicKey.unmarshal(vectors.get((i + 1) % vectors.size()).bytes("marshalledPublicKey"));
            soft.assertThat(other.verify(msg, sig)).as("js signature under another key, key %s", v.hex("privateKey"))
                    .isFalse();
        }
        soft.assertAll();
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519"})
    void javaSignaturesVerifyInJs(KeyType type) {
        // For secp256k1 this also proves Java signs low-S DER: js (noble) rejects high-S signatures.
        List<SignedMessage> inputs = new ArrayList<>();
        for (PrivateKey key : javaKeys(type)) {
            for (byte[] msg : messages()) {
                inputs.add(new SignedMessage(type, key.publicKey().marshal(), msg, key.sign(msg)));
            }
        }
        List<Boolean> verdicts = jsVerifies(inputs);
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < inputs.size(); i++) {
            soft.assertThat(verdicts.get(i)).as("js verifies Java's %s", inputs.get(i)).isTrue();
        }
        soft.assertAll();
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519"})
    void tamperedJavaSignaturesFailInJs(KeyType type) {
        List<PrivateKey> keys = javaKeys(type);
        List<SignedMessage> inputs = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            PrivateKey key = keys.get(i);
            byte[] msg = messages().get(i % messages().size());
            byte[] sig = key.sign(msg);
            for (Tamper t : Tamper.values()) {
                inputs.add(new SignedMessage(type, key.publicKey().marshal(), t.message(msg), t.signature(sig)));
            }
            PublicKey other = keys.get((i + 1) % keys.size()).publicKey();
            inputs.add(new SignedMessage(type, other.marshal(), msg, sig));
        }
        List<Boolean> verdicts = jsVerifies(inputs);
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < inputs.size(); i++) {
            soft.assertThat(verdicts.get(i)).as("js rejects tampered %s", inputs.get(i)).isFalse();
        }
        soft.assertAll();
    }

    @Test
    void javaSignsLowSWhichJsRequiresForSecp256k1() {
        // js (noble) rejects high-S ECDSA signatures; both S and n - S are valid mathematically, so this pins
        // down why Java must normalise to low S (PrivateKey.sign contract).
        BigInteger n = new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);
        List<SignedMessage> inputs = new ArrayList<>();
        for (PrivateKey key : javaKeys(KeyType.SECP256K1)) {
            byte[] msg = "low s".getBytes(StandardCharsets.UTF_8);
            byte[] sig = key.sign(msg);
            BigInteger[] rs = derSignature(sig);
            assertThat(rs[1]).as("Java's S").isLessThanOrEqualTo(n.shiftRight(1));
            byte[] highS = derSignature(rs[0], n.subtract(rs[1]));
            assertThat(key.publicKey().verify(msg, sig)).isTrue();
            inputs.add(new SignedMessage(KeyType.SECP256K1, key.publicKey().marshal(), msg, sig));
            inputs.add(new SignedMessage(KeyType.SECP256K1, key.publicKey().marshal(), msg, highS));
        }
        List<Boolean> verdicts = jsVerifies(inputs);
        for (int i = 0; i < inputs.size(); i++) {
            assertThat(verdicts.get(i)).as("js verdict on %s", inputs.get(i)).isEqualTo(i % 2 == 0);
        }
    }

    /** r and s of a DER ECDSA signature {@code 30 len 02 rlen r 02 slen s} (short lengths only). */
    private static BigInteger[] derSignature(byte[] der) {
        assertThat(der[0]).isEqualTo((byte) 0x30);
        assertThat(der[1] & 0xff).isEqualTo(der.length - 2);
        assertThat(der[2]).isEqualTo((byte) 0x02);
        int rLen = der[3];
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(der, 4, 4 + rLen));
        assertThat(der[4 + rLen]).isEqualTo((byte) 0x02);
        int sLen = der[5 + rLen];
        BigInteger sv = new BigInteger(1, Arrays.copyOfRange(der, 6 + rLen, 6 + rLen + sLen));
        return new BigInteger[] {r, sv};
    }

    private static byte[] derSignature(BigInteger r, BigInteger s) {
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        byte[] out = new byte[6 + rb.length + sb.length];
        out[0] = 0x30;
        out[1] = (byte) (4 + rb.length + sb.length);
        out[2] = 0x02;
        out[3] = (byte) rb.length;
        System.arraycopy(rb, 0, out, 4, rb.length);
        out[4 + rb.length] = 0x02;
        out[5 + rb.length] = (byte) sb.length;
        System.arraycopy(sb, 0, out, 6 + rb.length, sb.length);
        return out;
    }

    private static List<byte[]> messages() {
        byte[] big = new byte[70_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        return List.of(new byte[0], new byte[] {0}, "serenity-p2p".getBytes(StandardCharsets.UTF_8), big);
    }

    /** Ways to spoil a valid (message, signature) pair; each must make verification fail. */
    private enum Tamper {
        FIRST_SIGNATURE_BYTE_FLIPPED,
        MIDDLE_SIGNATURE_BYTE_FLIPPED,
        LAST_SIGNATURE_BYTE_FLIPPED,
        SIGNATURE_TRUNCATED,
        SIGNATURE_EMPTY,
        MESSAGE_BIT_FLIPPED,
        MESSAGE_EXTENDED;

        byte[] signature(byte[] sig) {
            byte[] s = sig.clone();
            switch (this) {
                case FIRST_SIGNATURE_BYTE_FLIPPED -> s[0] ^= 0x01;
                case MIDDLE_SIGNATURE_BYTE_FLIPPED -> s[s.length / 2] ^= 0x10;
                case LAST_SIGNATURE_BYTE_FLIPPED -> s[s.length - 1] ^= (byte) 0x80;
                case SIGNATURE_TRUNCATED -> s = Arrays.copyOf(sig, sig.length - 1);
                case SIGNATURE_EMPTY -> s = new byte[0];
                default -> {
                    // The message is spoilt instead.
                }
            }
            return s;
        }

        byte[] message(byte[] msg) {
            return switch (this) {
                case MESSAGE_BIT_FLIPPED -> {
                    if (msg.length == 0) {
                        yield new byte[] {1};
                    }
                    byte[] m = msg.clone();
                    m[m.length - 1] ^= 0x01;
                    yield m;
                }
                case MESSAGE_EXTENDED -> Arrays.copyOf(msg, msg.length + 1);
                default -> msg;
            };
        }
    }

    /** One line for {@code vectors.mjs verify}. */
    private record SignedMessage(KeyType type, byte[] marshalledPublicKey, byte[] message, byte[] signature) {
        String toJson() {
            return JsonLines.write(JsonLines.object()
                    .put("type", jsName(type))
                    .put("publicKey", HEX.formatHex(marshalledPublicKey))
                    .put("message", HEX.formatHex(message))
                    .put("signature", HEX.formatHex(signature)));
        }

        @Override
        public String toString() {
            return type + " signature " + HEX.formatHex(signature) + " by " + HEX.formatHex(marshalledPublicKey)
                    + " over " + message.length + " bytes";
        }
    }

    /** One key vector line from vectors.mjs (fields listed in docs/interop.md). */
    private static final class JsVector {
        final Map<String, Object> fields;
        final String source;

        JsVector(Map<String, Object> fields) {
            this.fields = fields;
            this.source = String.valueOf(fields.get("source"));
        }

        String text(String key) {
            if (fields.get(key) instanceof String s) {
                return s;
            }
            throw new AssertionError("vectors.mjs line has no '" + key + "': " + fields);
        }

        /** A hex field, as written by js. */
        String hex(String key) {
            return text(key);
        }

        byte[] bytes(String key) {
            return HEX.parseHex(text(key));
        }
    }
}
