package io.serenity.p2p.eth2.enr;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.rest;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target of Ethereum node records and RLP. Byte 0 picks the mode, modulo 4: 0 {@link Enr#decode}
 * of the rest, 1 {@link Enr#fromText} of the rest as Latin-1 text, 2 {@link Rlp#decode} of the rest, 3
 * the rest is the signed content {@code [seq, k, v, ...]} of a record, which is signed with a fixed key
 * and then decoded, so that the field checks behind the signature are reached (seeds carry that key).
 * Invariant: {@link RlpException}, nothing else; a decoded item or record re-encodes to its input, and a
 * record's accessors throw nothing; allocation stays proportional to the input (a length is checked
 * against the enclosing item before anything is copied).
 */
class EnrFuzzTest {

  static final byte[] KEY = PrivateKey.fromSeed(KeyType.SECP256K1, 42).raw();

  @FuzzTest(maxDuration = "10s")
  void record(byte[] data) throws Exception {
    int mode = u8(data, 0) % 4;
    byte[] body = rest(data, 1);
    try {
      allocationAtMost(64L * data.length, () -> "mode " + mode + " on " + data.length + " bytes", () -> {
        switch (mode) {
          case 0 -> check(Enr.decode(body), body);
          case 1 -> {
            Enr e = Enr.fromText(new String(body, StandardCharsets.ISO_8859_1));
            assertThat(e.toText()).isEqualTo(new String(body, StandardCharsets.ISO_8859_1));
            check(e, e.toRlp());
          }
          case 2 -> assertThat(Rlp.decode(body, 4096).encoded()).isEqualTo(body);
          default -> {
            byte[] record = signed(body);
            if (record != null) {
              check(Enr.decode(record), record);
            }
          }
        }
      });
    } catch (RuntimeException e) {
      expectOnly(e, data, RlpException.class);
    }
  }

  /** The record {@code [sig, content...]} for {@code content} if it is an RLP list, else null. */
  private static byte[] signed(byte[] content) {
    if (!(Rlp.decode(content, 4096) instanceof RlpItem.Items items)) {
      return null;
    }
    List<byte[]> encoded = new ArrayList<>();
    encoded.add(Rlp.encodeBytes(V4Identity.sign(KEY, content)));
    items.items().forEach(i -> encoded.add(i.encoded()));
    return Rlp.encodeList(encoded);
  }

  private static void check(Enr e, byte[] rlp) {
    assertThat(e.toRlp()).isEqualTo(rlp);
    assertThat(Enr.decode(e.toRlp())).isEqualTo(e);
    assertThat(Enr.fromText(e.toText())).isEqualTo(e);
    assertThat(e.nodeId()).hasSize(32);
    e.peerId();
    e.keys().forEach(e::getItem);
    e.ip();
    e.ip6();
    e.udp();
    e.udp6();
    e.eth2();
    e.attnets();
    e.syncnets();
    e.tcpMultiaddr();
    e.tcp6Multiaddr();
    e.quicMultiaddr();
    e.quic6Multiaddr();
    e.dialMultiaddrs();
  }
}
