package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.crypto.AesGcm;
import io.serenity.p2p.discv5.message.MessageCodec;
import io.serenity.p2p.discv5.message.Nodes;
import io.serenity.p2p.discv5.message.RequestId;
import io.serenity.p2p.discv5.wire.Header;
import io.serenity.p2p.discv5.wire.MessageAuthdata;
import io.serenity.p2p.discv5.wire.Packet;
import io.serenity.p2p.discv5.wire.PacketCodec;
import io.serenity.p2p.eth2.enr.Enr;
import java.util.ArrayList;
import java.util.List;

/** Splits records into NODES messages whose packets fit in 1280 bytes. */
final class NodesPacker {

  /** Bytes a message packet adds around its plaintext. */
  static final int PACKET_OVERHEAD = Packet.MASKING_IV_SIZE + Header.STATIC_SIZE + MessageAuthdata.SIZE
      + AesGcm.TAG_SIZE;

  private NodesPacker() {}

  /**
   * Packs records into as few NODES messages as fit, at least one (empty when there are none).
   *
   * @param id the request id to echo
   * @param enrs the records
   * @return the messages, each with {@code total} set
   */
  static List<Nodes> pack(RequestId id, List<Enr> enrs) {
    List<List<Enr>> groups = new ArrayList<>();
    List<Enr> current = new ArrayList<>();
    for (Enr enr : enrs) {
      current.add(enr);
      if (current.size() > 1 && size(id, current) > PacketCodec.MAX_SIZE) {
        current.removeLast();
        groups.add(current);
        current = new ArrayList<>(List.of(enr));
      }
    }
    groups.add(current);
    List<Nodes> out = new ArrayList<>();
    for (List<Enr> g : groups) {
      out.add(new Nodes(id, groups.size(), g));
    }
    return out;
  }

  private static int size(RequestId id, List<Enr> enrs) {
    // total is at most 16, one RLP byte either way
    return PACKET_OVERHEAD + MessageCodec.encode(new Nodes(id, 16, enrs)).length;
  }
}
