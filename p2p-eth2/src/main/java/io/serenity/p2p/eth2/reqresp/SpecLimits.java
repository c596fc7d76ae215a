package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.eth2.types.BlobSidecarsByRangeRequest;
import io.serenity.p2p.eth2.types.BlocksByHeadRequest;
import io.serenity.p2p.eth2.types.BlocksByRangeRequest;
import io.serenity.p2p.eth2.types.ByRootRequests;
import io.serenity.p2p.eth2.types.DataColumnSidecarsByRangeRequest;
import io.serenity.p2p.eth2.types.DataColumnsByRootIdentifier;
import java.util.List;

/**
 * The per-request limits of the spec's by-range, by-root and by-head methods: how many response
 * chunks a request allows (the requester stops reading after that many) and whether a request asks
 * for more than a responder must serve (answered with InvalidRequest before the handler runs).
 */
final class SpecLimits {

  private SpecLimits() {}

  /** {@return the most chunks {@code request} allows, or -1 when {@code method} is none of the spec's listed methods} */
  static long allowedChunks(Method<?, ?> method, Object request) {
    String id = method.protocolId();
    long cap = method.maxResponseChunks();
    if (id.equals(Eth2Methods.BLOCKS_BY_RANGE_V2.protocolId()) && request instanceof BlocksByRangeRequest r) {
      return minUnsigned(r.count(), cap);
    }
    if (id.equals(Eth2Methods.BLOCKS_BY_HEAD_V1.protocolId()) && request instanceof BlocksByHeadRequest r) {
      return minUnsigned(r.count(), cap);
    }
    if (id.equals(Eth2Methods.BLOB_SIDECARS_BY_RANGE_V1.protocolId()) && request instanceof BlobSidecarsByRangeRequest r) {
      // deneb/electra: at most count * MAX_BLOBS_PER_BLOCK_ELECTRA
      return minUnsigned(r.count(), cap) * ByRootRequests.MAX_BLOBS_PER_BLOCK_ELECTRA > cap
          ? cap : minUnsigned(r.count(), cap) * ByRootRequests.MAX_BLOBS_PER_BLOCK_ELECTRA;
    }
    if (id.equals(Eth2Methods.DATA_COLUMN_SIDECARS_BY_RANGE_V1.protocolId())
        && request instanceof DataColumnSidecarsByRangeRequest r) {
      // fulu: no more than count * NUMBER_OF_COLUMNS; we also cap by the columns asked for
      long perSlot = r.columns().size();
      long slots = minUnsigned(r.count(), cap);
      return Math.min(cap, slots * perSlot);
    }
    if (request instanceof List<?> l) {
      if (id.equals(Eth2Methods.BLOCKS_BY_ROOT_V2.protocolId()) || id.equals(Eth2Methods.BLOB_SIDECARS_BY_ROOT_V1.protocolId())) {
        return Math.min(cap, l.size());
      }
      if (id.equals(Eth2Methods.DATA_COLUMN_SIDECARS_BY_ROOT_V1.protocolId())) {
        long n = 0;
        for (Object o : l) {
          if (o instanceof DataColumnsByRootIdentifier d) {
            n += d.columns().size();
          }
        }
        return Math.min(cap, n);
      }
    }
    return -1;
  }

  /**
   * {@return why {@code request} asks for more than the spec lets a requester ask, or null when it is
   * fine}: BeaconBlocksByRange v2 and BeaconBlocksByHead v1 say "No more than MAX_REQUEST_BLOCKS_DENEB
   * may be requested at a time"; the sidecar by-range methods only bound the response, which {@link
   * #allowedChunks} and the handler's sink do.
   */
  static String overLimit(Method<?, ?> method, Object request) {
    String id = method.protocolId();
    long max = ByRootRequests.MAX_REQUEST_BLOCKS_DENEB;
    if (id.equals(Eth2Methods.BLOCKS_BY_RANGE_V2.protocolId()) && request instanceof BlocksByRangeRequest r
        && Long.compareUnsigned(r.count(), max) > 0) {
      return "count " + Long.toUnsignedString(r.count()) + " over MAX_REQUEST_BLOCKS_DENEB (" + max + ")";
    }
    if (id.equals(Eth2Methods.BLOCKS_BY_HEAD_V1.protocolId()) && request instanceof BlocksByHeadRequest r
        && Long.compareUnsigned(r.count(), max) > 0) {
      return "count " + Long.toUnsignedString(r.count()) + " over MAX_REQUEST_BLOCKS_DENEB (" + max + ")";
    }
    // the by-root lists are bounded by their SSZ list limits when decoded
    return null;
  }

  private static long minUnsigned(long a, long b) {
    return Long.compareUnsigned(a, b) < 0 ? a : b;
  }

}
