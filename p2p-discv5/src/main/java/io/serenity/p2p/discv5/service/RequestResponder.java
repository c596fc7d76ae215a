package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.message.FindNode;
import io.serenity.p2p.discv5.message.Message;
import io.serenity.p2p.discv5.message.Nodes;
import io.serenity.p2p.discv5.message.Ping;
import io.serenity.p2p.discv5.message.Pong;
import io.serenity.p2p.discv5.message.TalkReq;
import io.serenity.p2p.discv5.message.TalkResp;
import io.serenity.p2p.discv5.session.NodeAddress;
import io.serenity.p2p.discv5.table.RoutingTable;
import io.serenity.p2p.discv5.table.TableEntry;
import io.serenity.p2p.eth2.enr.Enr;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests other nodes send: PING with PONG (the packet's source address), FINDNODE
 * with our record for distance 0 and live table entries for the others, never the requester's own
 * (at most {@code maxRecords}, packed into as many NODES packets as needed), TALKREQ through the registered
 * handler (an empty TALKRESP for an unknown protocol). Runs on the event loop.
 */
final class RequestResponder {

  private static final Logger LOG = LoggerFactory.getLogger(RequestResponder.class);

  private final Supplier<Enr> localEnr;
  private final RoutingTable table;
  private final Map<ByteBuffer, TalkHandler> talkHandlers;
  private final int maxRecords;

  RequestResponder(Supplier<Enr> localEnr, RoutingTable table, Map<ByteBuffer, TalkHandler> talkHandlers,
      int maxRecords) {
    this.localEnr = localEnr;
    this.table = table;
    this.talkHandlers = talkHandlers;
    this.maxRecords = maxRecords;
  }

  /** {@return the responses to a request; empty for a message that is no request} */
  List<? extends Message> answer(NodeAddress from, Enr enr, Message request) {
    return switch (request) {
      case Ping p -> List.of(new Pong(p.requestId(), localEnr.get().seq(), from.address().getAddress(),
          from.address().getPort()));
      case FindNode f -> NodesPacker.pack(f.requestId(), records(f.distances(), from));
      case TalkReq t -> List.of(new TalkResp(t.requestId(), talk(from, enr, t)));
      default -> List.of();
    };
  }

  private List<Enr> records(List<Integer> distances, NodeAddress requester) {
    List<Enr> out = new ArrayList<>();
    for (int d : new LinkedHashSet<>(distances)) {
      if (d == 0) {
        out.add(localEnr.get());
      } else {
        for (TableEntry e : table.atDistance(d)) {
          if (e.live() && !e.id().equals(requester.nodeId())) {
            out.add(e.enr());
          }
        }
      }
    }
    return out.size() > maxRecords ? out.subList(0, maxRecords) : out;
  }

  private byte[] talk(NodeAddress from, Enr enr, TalkReq req) {
    TalkHandler handler = talkHandlers.get(ByteBuffer.wrap(req.protocol()));
    if (handler == null) {
      return new byte[0];
    }
    try {
      byte[] response = handler.onTalkRequest(from, enr, req.request());
      return response == null ? new byte[0] : response;
    } catch (RuntimeException e) {
      LOG.warn("TALKREQ handler failed; answering empty", e);
      return new byte[0];
    }
  }
}
