package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A libp2p private key. Equality is by type and {@link #raw()} bytes.
 *
 * <pre>{@code
 * PrivateKey key = PrivateKey.generate(KeyType.SECP256K1);
 * byte[] sig = key.sign(message);
 * key.publicKey().verify(message, sig);   // true
 * key.saveHex(Path.of("node.key"));
 * }</pre>
 */
public sealed interface PrivateKey
    permits Secp256k1PrivateKey, Ed25519PrivateKey, RsaPrivateKey, EcdsaPrivateKey {

  /** {@return the key type} */
  KeyType type();

  /**
   * The private key bytes: secp256k1 the 32-byte scalar; ed25519 the 32-byte seed; RSA PKCS#1 DER; ECDSA SEC1
   * DER. A copy.
   *
   * @return the raw bytes
   */
  byte[] raw();

  /** {@return the matching public key} */
  PublicKey publicKey();

  /**
   * Signs {@code message}: secp256k1 DER ECDSA over SHA-256(message) with RFC 6979 deterministic k and low S;
   * ed25519 a 64-byte RFC 8032 signature; ECDSA DER over SHA-256; RSA PKCS#1 v1.5 with SHA-256.
   *
   * @param message the bytes to sign
   * @return the signature
   */
  byte[] sign(byte[] message);

  /**
   * The libp2p {@code PrivateKey} protobuf {@code 08 <type> 12 <len> <data>}; for ed25519 Data is the 64 bytes
   * seed||public (libp2p/specs peer-ids.md "Ed25519").
   *
   * @return the protobuf bytes
   */
  byte[] marshal();

  /**
   * Decodes a libp2p {@code PrivateKey} protobuf. ed25519 accepts the 64-byte form and the legacy 96-byte
   * seed||public||public form.
   *
   * @param bytes the protobuf bytes
   * @return the key
   * @throws FormatException if the bytes are not a canonical key protobuf or the key is invalid
   */
  static PrivateKey unmarshal(byte[] bytes) {
    KeyProtobuf.Decoded d = KeyProtobuf.unmarshalPrivate(bytes);
    return switch (d.type()) {
      case SECP256K1 -> Secp256k1PrivateKey.fromRaw(d.data());
      case ED25519 -> Ed25519PrivateKey.fromMarshalledData(d.data());
      case RSA -> RsaPrivateKey.fromRaw(d.data());
      case ECDSA -> EcdsaPrivateKey.fromRaw(d.data());
    };
  }

  /**
   * A private key from its raw bytes (see {@link #raw()}); ed25519 also accepts 64 bytes seed||public.
   *
   * @param type the key type
   * @param raw the raw bytes
   * @return the key
   * @throws FormatException if the bytes are not a valid key of that type
   */
  static PrivateKey fromRaw(KeyType type, byte[] raw) {
    return switch (type) {
      case SECP256K1 -> Secp256k1PrivateKey.fromRaw(raw);
      case ED25519 -> Ed25519PrivateKey.fromRaw(raw);
      case RSA -> RsaPrivateKey.fromRaw(raw);
      case ECDSA -> EcdsaPrivateKey.fromRaw(raw);
    };
  }

  /**
   * Generates a new secp256k1 or ed25519 key from a fresh {@link SecureRandom}.
   *
   * @param type {@link KeyType#SECP256K1} or {@link KeyType#ED25519}
   * @return the new key
   * @throws UnsupportedOperationException for RSA and ECDSA
   */
  static PrivateKey generate(KeyType type) {
    return generate(type, new SecureRandom());
  }

  /**
   * Generates a new secp256k1 or ed25519 key from {@code random}.
   *
   * @param type {@link KeyType#SECP256K1} or {@link KeyType#ED25519}
   * @param random the randomness
   * @return the new key
   * @throws UnsupportedOperationException for RSA and ECDSA
   */
  static PrivateKey generate(KeyType type, SecureRandom random) {
    return switch (type) {
      case SECP256K1 -> Secp256k1PrivateKey.generate(random);
      case ED25519 -> Ed25519PrivateKey.generate(random);
      case RSA, ECDSA -> throw new UnsupportedOperationException("generating " + type + " keys is not supported");
    };
  }

  /**
   * A deterministic key for tests and simulations: the key material is SHA-256 of the 8 big-endian bytes of
   * {@code seed}; for secp256k1, if that is not a valid scalar (0 or at least the group order), SHA-256 is
   * applied again until it is. Never use for real identities.
   *
   * @param type {@link KeyType#SECP256K1} or {@link KeyType#ED25519}
   * @param seed any number; the same seed gives the same key
   * @return the key
   * @throws UnsupportedOperationException for RSA and ECDSA
   */
  static PrivateKey fromSeed(KeyType type, long seed) {
    byte[] material = Secp256k1.sha256(java.nio.ByteBuffer.allocate(8).putLong(seed).array());
    return switch (type) {
      case SECP256K1 -> {
        while (!Secp256k1.isValidScalar(material)) {
          material = Secp256k1.sha256(material);
        }
        yield Secp256k1PrivateKey.fromRaw(material);
      }
      case ED25519 -> Ed25519PrivateKey.fromRaw(material);
      case RSA, ECDSA -> throw new UnsupportedOperationException("seeded " + type + " keys are not supported");
    };
  }

  /**
   * Reads a key file: the libp2p {@code PrivateKey} protobuf ({@link #marshal()}, the format go-libp2p
   * and js-libp2p keep identities in, written by {@link #save(Path)}), or, for older files, the hex of
   * a secp256k1 key's 32 raw bytes ({@link #saveHex(Path)}).
   *
   * @param path the key file
   * @return the key
   * @throws FormatException naming the file when it holds neither
   * @throws UncheckedIOException if the file cannot be read
   */
  static PrivateKey load(Path path) {
    byte[] bytes;
    try {
      if (Files.size(path) > 16 << 10) {
        throw new FormatException("key file " + path + " is too large to be a key (" + Files.size(path) + " bytes)");
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key file " + path, e);
    }
    String text = new String(bytes, StandardCharsets.US_ASCII).strip();
    if (text.matches("[0-9a-fA-F]{64}")) {
      return loadHex(path);
    }
    try {
      return unmarshal(bytes);
    } catch (FormatException e) {
      throw new FormatException("key file " + path + " holds neither a libp2p private key protobuf nor the hex of a "
          + "secp256k1 key: " + e.getMessage(), e);
    }
  }

  /**
   * Writes this key to a new file as the libp2p {@code PrivateKey} protobuf, readable and writable by
   * its owner only (mode 0600 where the file system has POSIX permissions). The file is written under
   * a temporary name and then moved into place, so a reader never sees half a key; an existing file
   * is never overwritten.
   *
   * @param path the new key file
   * @throws UncheckedIOException if the file exists or cannot be written
   */
  default void save(Path path) {
    Path dir = path.toAbsolutePath().getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path tmp = dir.resolve("." + path.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      if (Files.exists(path)) {
        throw new java.nio.file.FileAlreadyExistsException(path.toString());
      }
      if (posix) {
        Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(tmp);
      }
      Files.write(tmp, marshal());
      Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original failure is what matters
      }
      throw new UncheckedIOException("cannot write key file " + path, e);
    }
  }

  /**
   * Reads a secp256k1 key stored as the hex of its 32 raw bytes (surrounding whitespace ignored), as written
   * by {@link #saveHex(Path)}.
   *
   * @param path the key file
   * @return the key
   * @throws FormatException if the file does not hold a valid key
   * @throws UncheckedIOException if the file cannot be read
   */
  static PrivateKey loadHex(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key file " + path, e);
    }
    byte[] raw;
    try {
      raw = HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new FormatException("key file " + path + " is not hex", e);
    }
    return Secp256k1PrivateKey.fromRaw(raw);
  }

  /**
   * Writes the hex of the raw key bytes. Only secp256k1 keys are stored this way (the Ethereum client key
   * file format).
   *
   * @param path the key file, created or replaced
   * @throws UnsupportedOperationException for other key types
   * @throws UncheckedIOException if the file cannot be written
   */
  default void saveHex(Path path) {
    if (type() != KeyType.SECP256K1) {
      throw new UnsupportedOperationException("only secp256k1 keys are saved as hex, not " + type());
    }
    try {
      Files.writeString(path, HexFormat.of().formatHex(raw()), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write key file " + path, e);
    }
  }
}
