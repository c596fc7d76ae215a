package io.serenity.p2p.node;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code p2p-node identity}: prints the PeerId and public key of a key. */
@Command(
    name = "identity",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Print the PeerId and public key of the node's identity (its data directory's key, created "
        + "if absent), of a key file, or of a seed.")
final class IdentityCommand implements Callable<Integer> {

  @Mixin KeyOptions key;

  @Override
  public Integer call() throws Exception {
    PrivateKey privateKey = key.loadForReading();
    PeerId id = PeerId.fromPublicKey(privateKey.publicKey());
    HexFormat hex = HexFormat.of();
    Path file = key.keyPath();
    System.out.println("peerId:    " + id.toBase58());
    if (file != null) {
      System.out.println("keyFile:   " + file);
    }
    System.out.println("cid:       " + id.toCid());
    System.out.println("keyType:   " + privateKey.type().name().toLowerCase(java.util.Locale.ROOT));
    System.out.println("publicKey: " + hex.formatHex(privateKey.publicKey().raw()));
    System.out.println("protobuf:  " + hex.formatHex(privateKey.publicKey().marshal()));
    return 0;
  }
}
