package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityCommandTest {

  private static String run(int expectedExit, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    try {
      assertThat(Main.execute(args)).as("exit code of %s", String.join(" ", args)).isEqualTo(expectedExit);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void seedGivesTheSameIdentityEveryTime() {
    String expected = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.SECP256K1, 7).publicKey()).toBase58();
    assertThat(run(0, "identity", "--key-seed", "7")).contains("peerId:    " + expected);
    assertThat(run(0, "identity", "--key-seed", "7")).contains(expected).contains("16Uiu2");
  }

  @Test
  void keyFileIsCreatedOnFirstUseAndReusedAfter(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("sub/node.key");
    String first = run(0, "identity", "--key", key.toString());
    assertThat(key).exists();
    assertThat(Files.readString(key).trim()).matches("[0-9a-f]{64}");
    assertThat(run(0, "identity", "--key", key.toString())).isEqualTo(first);
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
    Files.writeString(key, "not hex at all");
    assertThat(run(1, "identity", "--key", key.toString())).contains("--key").contains(key.toString());
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run(2, "identity", "--nope")).contains("--nope");
  }
}
