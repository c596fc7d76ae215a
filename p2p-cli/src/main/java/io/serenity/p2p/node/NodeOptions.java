package io.serenity.p2p.node;

import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.PeerScoreThresholds;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.SignaturePolicy;
import io.serenity.p2p.server.ServerConfig;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Pubsub options shared by {@code run} and {@code devnet}. */
final class NodeOptions {

  @Option(
      names = "--router",
      paramLabel = "gossipsub|floodsub",
      description = "Pubsub router. Default: gossipsub.")
  String router = "gossipsub";

  @Option(
      names = "--sign",
      paramLabel = "strict|none",
      description = "StrictSign (sign and verify with the node key) or StrictNoSign (the Ethereum profile). "
          + "Default: strict, or none with --preset ethereum.")
  String sign;

  @Option(
      names = "--preset",
      paramLabel = "default|ethereum",
      description = "Gossipsub parameters: go-libp2p's defaults or the Ethereum consensus preset "
          + "(D 8, D_low 6, D_high 12, heartbeat 700 ms). With run, ethereum is the whole Ethereum profile "
          + "(StrictNoSign, eth2 message ids, 10 MiB payloads, req/resp Status) and needs --fork-digest. "
          + "Default: default.")
  String preset = "default";

  @Option(
      names = "--scoring",
      paramLabel = "standard|off",
      description = "Gossipsub peer scoring: the server's standard scoring (invalid messages and broken promises "
          + "cost a peer its mesh place, then its connection) or off (every score 0, for experiments). "
          + "Default: standard.")
  String scoring = "standard";

  boolean floodsub() {
    return switch (router.toLowerCase(Locale.ROOT)) {
      case "gossipsub" -> false;
      case "floodsub" -> true;
      default -> throw new UsageException("--router: unknown router '" + router + "' (expected gossipsub or floodsub)");
    };
  }

  GossipSubParams gossipParams() {
    return switch (preset.toLowerCase(Locale.ROOT)) {
      case "default" -> GossipSubParams.defaults();
      case "ethereum" -> GossipSubParams.ethereum();
      default -> throw new UsageException("--preset: unknown preset '" + preset + "' (expected default or ethereum)");
    };
  }

  /** {@return whether {@code --scoring} leaves the server's standard scoring on} */
  boolean scoringOn() {
    return switch (scoring.toLowerCase(Locale.ROOT)) {
      case "standard" -> true;
      case "off" -> false;
      default -> throw new UsageException("--scoring: unknown value '" + scoring + "' (expected standard or off)");
    };
  }

  /** Applies {@code --scoring}: standard keeps the server's scoring, off sets neutral parameters (every score 0). */
  ServerConfig.Builder applyScoring(ServerConfig.Builder b) {
    return scoringOn() ? b : b.peerScore(PeerScoreParams.defaults(), PeerScoreThresholds.defaults());
  }

  PubSubConfig pubsubConfig() {
    gossipParams(); // validates --preset
    String s = sign != null ? sign : preset.equalsIgnoreCase("ethereum") ? "none" : "strict";
    SignaturePolicy policy = switch (s.toLowerCase(Locale.ROOT)) {
      case "strict" -> SignaturePolicy.STRICT_SIGN;
      case "none" -> SignaturePolicy.STRICT_NO_SIGN;
      default -> throw new UsageException("--sign: unknown policy '" + s + "' (expected strict or none)");
    };
    return PubSubConfig.defaults().withSignaturePolicy(policy);
  }
}
