package io.serenity.p2p.node;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Where a command's identity comes from: the node's data directory (default), a key file, a seed
 * (tests) or nothing at all ({@code --ephemeral}). A persistent key is the libp2p private-key
 * protobuf, created with mode 0600 on first use; a node holds a lock next to it while it runs, so
 * two nodes never share one identity.
 */
final class KeyOptions {

  private static final Logger LOG = LoggerFactory.getLogger("p2p-node");

  /** The key file's name in a data directory. */
  static final String KEY_FILE = "node.key";

  @Option(
      names = "--data-dir",
      paramLabel = "<dir>",
      description = "The node's data directory, holding its identity (node.key) and a lock while it runs. "
          + "Default: $XDG_DATA_HOME/serenity-p2p, else ~/.local/share/serenity-p2p.")
  Path dataDir;

  @Option(
      names = "--key",
      paramLabel = "<file>",
      description = "Private key file (libp2p protobuf; the hex of a secp256k1 key is read too) instead of the "
          + "data directory's; created on first use if absent.")
  Path keyFile;

  @Option(
      names = "--key-seed",
      paramLabel = "<n>",
      description = "Derive a reproducible identity from this number (for tests only).")
  Long keySeed;

  @Option(
      names = "--ephemeral",
      description = "A fresh identity for this run only, stored nowhere (for tests).")
  boolean ephemeral;

  @Option(
      names = "--key-type",
      paramLabel = "<type>",
      description = "Key type of a new identity: secp256k1 (default) or ed25519. An existing key of another "
          + "type is refused.")
  String keyType;

  /** The lock a running node holds on its key, released when the process ends. */
  private FileChannel lockChannel;

  KeyType type() {
    String t = keyType == null ? "secp256k1" : keyType.toLowerCase(Locale.ROOT);
    return switch (t) {
      case "secp256k1" -> KeyType.SECP256K1;
      case "ed25519" -> KeyType.ED25519;
      default -> throw new UsageException(
          "--key-type: unknown key type '" + keyType + "' (expected secp256k1 or ed25519)");
    };
  }

  /** The data directory: --data-dir, else the per-user default. */
  Path dataDir() {
    if (dataDir != null) {
      return dataDir;
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isBlank()
        ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("serenity-p2p");
  }

  /** The persistent key file these options name, or null for a seeded or ephemeral identity. */
  Path keyPath() {
    int given = (keyFile != null ? 1 : 0) + (keySeed != null ? 1 : 0) + (ephemeral ? 1 : 0);
    if (given > 1) {
      throw new UsageException("--key, --key-seed and --ephemeral: give one of them");
    }
    if (dataDir != null && given > 0) {
      throw new UsageException("--data-dir holds the key: give it without --key, --key-seed or --ephemeral");
    }
    if (keySeed != null || ephemeral) {
      return null;
    }
    return keyFile != null ? keyFile : dataDir().resolve(KEY_FILE);
  }

  /**
   * The identity for a node that runs: loaded, derived or created, and with a persistent key locked
   * for as long as this process lives.
   *
   * @throws RuntimeFailure when another node holds the key's lock, or the key cannot be read or is of
   *     another type than --key-type
   */
  PrivateKey loadForNode() throws IOException {
    Path file = keyPath();
    if (file != null) {
      lock(file);
    }
    return load(file);
  }

  /** The identity, without locking (for printing it). */
  PrivateKey loadForReading() throws IOException {
    return load(keyPath());
  }

  private PrivateKey load(Path file) throws IOException {
    if (keySeed != null) {
      return PrivateKey.fromSeed(type(), keySeed);
    }
    if (file == null) {
      return PrivateKey.generate(type());
    }
    String option = keyFile != null ? "--key" : "--data-dir";
    if (Files.exists(file)) {
      PrivateKey key;
      try {
        key = PrivateKey.load(file);
      } catch (FormatException | UncheckedIOException e) {
        throw new RuntimeFailure(option + ": cannot read a key from " + file + ": " + e.getMessage());
      }
      if (keyType != null && key.type() != type()) {
        throw new RuntimeFailure(option + ": " + file + " holds a " + name(key.type()) + " key, not " + name(type())
            + "; leave out --key-type or use another " + option);
      }
      return key;
    }
    PrivateKey key = PrivateKey.generate(type());
    createPrivateDirectories(file.toAbsolutePath().getParent());
    try {
      key.save(file);
    } catch (UncheckedIOException e) {
      throw new RuntimeFailure(option + ": cannot create " + file + ": " + e.getCause().getMessage());
    }
    LOG.info("created a new {} identity {} in {}", name(key.type()), PeerId.fromPublicKey(key.publicKey()), file);
    return key;
  }

  /** Locks {@code keyFile}'s {@code .lock} sibling for the life of this process. */
  private void lock(Path keyFile) throws IOException {
    Path lockFile = keyFile.resolveSibling(keyFile.getFileName() + ".lock");
    createPrivateDirectories(lockFile.toAbsolutePath().getParent());
    FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new RuntimeFailure("another node is running with the identity in " + keyFile + " (it holds " + lockFile
          + "); give each node its own --data-dir");
    }
    lockChannel = ch; // held until the process exits
  }

  /** Releases the lock (for in-process callers such as tests; a process exit releases it too). */
  void unlock() throws IOException {
    if (lockChannel != null) {
      lockChannel.close();
      lockChannel = null;
    }
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  private static String name(KeyType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }
}
