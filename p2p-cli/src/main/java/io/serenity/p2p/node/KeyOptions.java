package io.serenity.p2p.node;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command finds its identity: a key file (created when absent) or a deterministic seed. */
final class KeyOptions {

  @Option(
      names = "--key",
      paramLabel = "<file>",
      description = "Private key file, hex of the raw key; created on first use if absent.")
  Path keyFile;

  @Option(
      names = "--key-seed",
      paramLabel = "<n>",
      description = "Derive a reproducible identity from this number (for tests only).")
  Long keySeed;

  @Option(
      names = "--key-type",
      paramLabel = "<type>",
      defaultValue = "secp256k1",
      description = "Key type for new identities: secp256k1 (default) or ed25519.")
  String keyType;

  KeyType type() {
    switch (keyType.toLowerCase(java.util.Locale.ROOT)) {
      case "secp256k1":
        return KeyType.SECP256K1;
      case "ed25519":
        return KeyType.ED25519;
      default:
        throw new UsageException(
            "--key-type: unknown key type '" + keyType + "' (expected secp256k1 or ed25519)");
    }
  }

  /** Loads, derives or creates the key these options describe. */
  PrivateKey load(Path defaultFile) throws IOException {
    if (keyFile != null && keySeed != null) {
      throw new UsageException("--key and --key-seed: give one, not both");
    }
    if (keySeed != null) {
      return PrivateKey.fromSeed(type(), keySeed);
    }
    Path file = keyFile != null ? keyFile : defaultFile;
    if (file == null) {
      return PrivateKey.generate(type());
    }
    if (Files.exists(file)) {
      try {
        return PrivateKey.loadHex(file);
      } catch (FormatException e) {
        throw new RuntimeFailure("--key: cannot read a key from " + file + ": " + e.getMessage());
      }
    }
    PrivateKey key = PrivateKey.generate(type());
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    key.saveHex(file);
    return key;
  }
}
