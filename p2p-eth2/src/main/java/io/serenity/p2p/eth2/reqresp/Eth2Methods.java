package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.Ping;
import io.serenity.p2p.eth2.types.StatusMessage;

/** The built-in methods {@link ReqResp} serves (phase0 and altair p2p-interface.md "Messages"). */
public final class Eth2Methods {

  /** Status v1: {@code /eth2/beacon_chain/req/status/1/ssz_snappy}, 84-byte container both ways. */
  public static final Method<StatusMessage, StatusMessage> STATUS =
      Method.single("status", 1, StatusMessage.CODEC, StatusMessage.CODEC);

  /** Goodbye v1: a uint64 reason; we send no response chunk and read none. */
  public static final Method<Goodbye, Goodbye> GOODBYE = Method.single("goodbye", 1, Goodbye.CODEC, Goodbye.CODEC);

  /** Ping v1: our MetaData seq_number both ways. */
  public static final Method<Ping, Ping> PING = Method.single("ping", 1, Ping.CODEC, Ping.CODEC);

  /** GetMetaData v2 (altair): no request content; MetaData v2 (17 bytes) back. */
  public static final Method<Void, MetaData> METADATA = Method.single("metadata", 2, null, MetaData.CODEC);

  private Eth2Methods() {}
}
