package io.serenity.p2p.eth2.enr;

import static io.serenity.p2p.fuzz.FuzzSupport.concat;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Seeds of {@link EnrFuzzTest}: records from our builder, signed with the target's key. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  public static void write() {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 42);
    Enr plain;
    Enr eth2;
    try {
      plain = Enr.builder().seq(1).ip(InetAddress.getByName("127.0.0.1")).udp(30303).sign(key);
      eth2 = Enr.builder().seq(7).ip(InetAddress.getByName("10.1.2.3")).tcp(9000).udp(9001)
          .ip(InetAddress.getByName("::1")).tcp6(9002)
          .eth2(new EnrForkId(Bytes4.fromHex("b5303f2a"), Bytes4.fromHex("01000000"), EnrForkId.FAR_FUTURE_EPOCH))
          .attnets(Bitvector.of(64, 0, 63)).syncnets(Bitvector.of(4, 2)).sign(key);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    Class<?> t = EnrFuzzTest.class;
    int i = 0;
    for (Enr e : List.of(plain, eth2)) {
      writeSeed(t, "record", "rlp-" + i, concat(new byte[] {0}, e.toRlp()));
      writeSeed(t, "record", "text-" + i, concat(new byte[] {1}, e.toText().getBytes(StandardCharsets.ISO_8859_1)));
      writeSeed(t, "record", "item-" + i, concat(new byte[] {2}, e.toRlp()));
      writeSeed(t, "record", "content-" + i++, concat(new byte[] {3}, content(e.toRlp())));
    }
    writeSeed(t, "record", "rlp-long-string", concat(new byte[] {2}, Rlp.encodeBytes(new byte[100])));
    writeSeed(t, "record", "rlp-nested", concat(new byte[] {2}, HexFormat.of().parseHex("c7c0c1c0c3c0c1c0")));
    writeSeed(t, "record", "rlp-length-past-end", concat(new byte[] {2}, HexFormat.of().parseHex("b9ffff00")));
  }

  /** The signed content [seq, k, v, ...] of a record: the record without its signature. */
  static byte[] content(byte[] record) {
    List<RlpItem> items = ((RlpItem.Items) Rlp.decode(record, Enr.MAX_SIZE)).items();
    List<byte[]> encoded = new ArrayList<>();
    for (RlpItem it : items.subList(1, items.size())) {
      encoded.add(it.encoded());
    }
    return Rlp.encodeList(encoded);
  }
}
