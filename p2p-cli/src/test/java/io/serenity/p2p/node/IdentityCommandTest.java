package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityCommandTest {

  private static String run(int expectedExit, String... args) {
    CliRun r = CliRun.of(args);
    assertThat(r.exit()).as("exit code of %s: %s", String.join(" ", args), r.output()).isEqualTo(expectedExit);
    return r.withoutLogLines();
  }

  @Test
  void creatingAKeyLogsItsFileAndPeerId(@TempDir Path dir) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream err = System.err;
    PrintStream out = System.out;
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.execute("identity", "--data-dir", dir.toString(), "--key-type", "ed25519")).isZero();
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    assertThat(buf.toString(StandardCharsets.UTF_8))
        .containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO ")
        .contains("created a new ed25519 identity 12D3KooW").contains(dir.resolve("node.key").toString());
  }

  @Test
  void seedGivesTheSameIdentityEveryTime() {
    String expected = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.SECP256K1, 7).publicKey()).toBase58();
    assertThat(run(0, "identity", "--key-seed", "7")).contains("peerId:    " + expected);
    assertThat(run(0, "identity", "--key-seed", "7")).contains(expected).contains("16Uiu2");
  }

  @Test
  void keyFileIsCreatedOnFirstUseAsAPrivateProtobufAndReusedAfter(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("sub/node.key");
    String first = run(0, "identity", "--key", key.toString());
    assertThat(key).exists();
    PrivateKey stored = PrivateKey.unmarshal(Files.readAllBytes(key)); // the format go- and js-libp2p read
    assertThat(first).contains("peerId:    " + PeerId.fromPublicKey(stored.publicKey()).toBase58());
    assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(run(0, "identity", "--key", key.toString())).isEqualTo(first);
  }

  @Test
  void theDataDirectoryHoldsTheIdentity(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("node-a");
    String first = run(0, "identity", "--data-dir", data.toString());
    assertThat(data.resolve("node.key")).exists();
    assertThat(first).contains("keyFile:   " + data.resolve("node.key"));
    assertThat(run(0, "identity", "--data-dir", data.toString())).isEqualTo(first);
    assertThat(run(0, "identity", "--data-dir", dir.resolve("node-b").toString())).isNotEqualTo(first);
  }

  @Test
  void aNewEd25519KeyFileWorksAndAnotherTypeThanTheFilesIsRefused(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("ed.key");
    String first = run(0, "identity", "--key", key.toString(), "--key-type", "ed25519");
    assertThat(first).contains("peerId:    12D3KooW").contains("keyType:   ed25519");
    assertThat(run(0, "identity", "--key", key.toString())).isEqualTo(first); // the type comes from the file
    assertThat(run(1, "identity", "--key", key.toString(), "--key-type", "secp256k1"))
        .contains("holds a ed25519 key, not secp256k1");
  }

  @Test
  void anOlderHexKeyFileIsStillRead(@TempDir Path dir) throws Exception {
    PrivateKey k = PrivateKey.fromSeed(KeyType.SECP256K1, 3);
    Path key = dir.resolve("hex.key");
    k.saveHex(key);
    assertThat(run(0, "identity", "--key", key.toString()))
        .contains("peerId:    " + PeerId.fromPublicKey(k.publicKey()).toBase58());
  }

  @Test
  void aSecondNodeOnTheSameIdentityIsRefusedNamingTheLock(@TempDir Path dir) throws Exception {
    KeyOptions first = new KeyOptions();
    first.dataDir = dir;
    KeyOptions second = new KeyOptions();
    second.dataDir = dir;
    PrivateKey key = first.loadForNode();
    try {
      assertThatThrownBy(second::loadForNode).isInstanceOf(RuntimeFailure.class)
          .hasMessageContaining("another node is running with the identity in " + dir.resolve("node.key"))
          .hasMessageContaining("node.key.lock");
    } finally {
      first.unlock();
    }
    assertThat(second.loadForNode()).isEqualTo(key); // free again once the first is gone
    second.unlock();
  }

  @Test
  void identitySourcesAreExclusive(@TempDir Path dir) {
    assertThat(run(2, "identity", "--ephemeral", "--key-seed", "1")).contains("give one of them");
    assertThat(run(2, "identity", "--data-dir", dir.toString(), "--ephemeral")).contains("--data-dir");
    assertThat(run(0, "identity", "--ephemeral")).contains("peerId:").doesNotContain("keyFile:");
  }

  @Test
  void ed25519IdentitiesStartWith12D3KooW() {
    assertThat(run(0, "identity", "--key-seed", "1", "--key-type", "ed25519")).contains("peerId:    12D3KooW");
  }

  @Test
  void badKeyTypeIsAUsageError() {
    assertThat(run(2, "identity", "--key-type", "rsa")).contains("--key-type").contains("'rsa'");
  }

  @Test
  void unreadableKeyFileIsARuntimeFailureNamingTheFile(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("bad.key");
    Files.writeString(key, "neither hex nor a protobuf");
    assertThat(run(1, "identity", "--key", key.toString())).contains("--key").contains(key.toString());
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run(2, "identity", "--nope")).contains("--nope");
  }
}
