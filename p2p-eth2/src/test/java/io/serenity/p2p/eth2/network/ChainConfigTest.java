package io.serenity.p2p.eth2.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChainConfigTest {

  static final long FAR = ForkSchedule.FAR_FUTURE_EPOCH;

  static ChainConfig resource(String name) throws IOException {
    try (InputStream in = ChainConfigTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return ChainConfig.parse(in);
    }
  }

  @Test
  void consensusSpecsMainnetConfigMatchesThePreset() throws IOException {
    ChainConfig real = resource("mainnet-config.yaml");
    ChainConfig preset = Network.MAINNET.config().chainConfig();
    assertThat(real.name()).isEqualTo("mainnet");
    assertThat(real.slotDurationMillis()).isEqualTo(12_000); // SLOT_DURATION_MS
    assertThat(real.slotsPerEpoch()).isEqualTo(32);
    // The real file also lists Heze (no epoch); the preset stops at Gloas.
    assertThat(real.forks().subList(0, preset.forks().size())).isEqualTo(preset.forks());
    assertThat(real.fork("heze").orElseThrow().scheduled()).isFalse();
    assertThat(real.fork("gloas").orElseThrow().scheduled()).isFalse();
    assertThat(real.blobSchedule()).isEqualTo(preset.blobSchedule()).containsExactly(
        new BlobParameters(412672, 15), new BlobParameters(419072, 21));
    assertThat(real.maxBlobsPerBlockElectra()).isEqualTo(preset.maxBlobsPerBlockElectra());
    assertThat(real.value("DEPOSIT_CONTRACT_ADDRESS"))
        .contains("0x00000000219ab540356cBB839Cbe05303d7705Fa");
    assertThat(real.value("PRESET_BASE")).contains("mainnet"); // unquoted
    assertThat(real.value("BLOB_SCHEDULE")).isEmpty();

    // Same digests as the preset, across every boundary.
    ForkSchedule a = new ForkSchedule(real, Network.MAINNET.config().genesisValidatorsRoot());
    ForkSchedule b = Network.MAINNET.config().forkSchedule();
    assertThat(a.digests()).isEqualTo(b.digests());
    for (long e : b.boundaries()) {
      assertThat(a.enrForkId(e - 1)).isEqualTo(b.enrForkId(e - 1));
      assertThat(a.enrForkId(e)).isEqualTo(b.enrForkId(e));
    }
  }

  @Test
  void ethClientsTestnetConfigsMatchThePresets() throws IOException {
    for (Network n : List.of(Network.SEPOLIA, Network.HOODI)) {
      ChainConfig real = resource(n.configName() + "-config.yaml");
      ChainConfig preset = n.config().chainConfig();
      assertThat(real.name()).isEqualTo(n.configName());
      assertThat(real.forks()).as(n.toString()).isEqualTo(preset.forks());
      assertThat(real.blobSchedule()).isEqualTo(preset.blobSchedule());
      assertThat(real.slotDurationMillis()).isEqualTo(12_000); // SECONDS_PER_SLOT
      assertThat(real.maxBlobsPerBlockElectra()).isEqualTo(preset.maxBlobsPerBlockElectra());
    }
  }

  @Test
  void minimalConfig() throws IOException {
    ChainConfig c = resource("minimal-config.yaml");
    assertThat(c.slotsPerEpoch()).isEqualTo(8);
    assertThat(c.slotDurationMillis()).isEqualTo(6000);
    assertThat(c.blobSchedule()).isEmpty(); // BLOB_SCHEDULE: []
  }

  @Test
  void fileAndStreamAndCrlf(@TempDir Path dir) throws IOException {
    String text = "# comment\r\nPRESET_BASE: \"mainnet\"\r\nSECONDS_PER_SLOT: 6 # six\r\n"
        + "GENESIS_FORK_VERSION: 0x0000000A\r\nFULU_FORK_VERSION: 0x0600000A\r\n"
        + "FULU_FORK_EPOCH: 0\r\nBLOB_SCHEDULE:\r\n- MAX_BLOBS_PER_BLOCK: 3\r\n  EPOCH: 0\r\n"
        + "CONFIG_NAME: 'dev-net'\r\n";
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, text);
    ChainConfig c = ChainConfig.parse(f);
    assertThat(c.name()).isEqualTo("dev-net");
    assertThat(c.slotDurationMillis()).isEqualTo(6000);
    assertThat(c.blobSchedule()).containsExactly(new BlobParameters(0, 3));
    assertThat(c.forks()).extracting(Fork::name).containsExactly("phase0", "fulu");
    assertThat(c.fork("phase0").orElseThrow().version().toHex()).isEqualTo("0000000a");
    assertThat(ChainConfig.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(c);
    assertThat(ChainConfig.parse(text)).isEqualTo(c);
  }

  static final String BASE = "PRESET_BASE: mainnet\nSECONDS_PER_SLOT: 12\n"
      + "GENESIS_FORK_VERSION: 0x00000000\n";

  /** Bad lines: each names the line (1-based; 0 = no single line) and key. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      ALTAIR_FORK_VERSION: 0x01000000\\nALTAIR_FORK_EPOCH: 12x     | 5 | ALTAIR_FORK_EPOCH    | expected an unsigned decimal integer
      ALTAIR_FORK_VERSION: 0x01000000\\nALTAIR_FORK_EPOCH: 007     | 5 | ALTAIR_FORK_EPOCH    | expected an unsigned decimal integer
      ALTAIR_FORK_VERSION: 0x01000000\\nALTAIR_FORK_EPOCH: -1      | 5 | ALTAIR_FORK_EPOCH    | expected an unsigned decimal integer
      ALTAIR_FORK_VERSION: 0x01000000\\nALTAIR_FORK_EPOCH: 18446744073709551616 | 5 | ALTAIR_FORK_EPOCH | larger than 2^64 - 1
      ALTAIR_FORK_VERSION: 0x010000\\nALTAIR_FORK_EPOCH: 1         | 4 | ALTAIR_FORK_VERSION  | expected 0x and 8 hex digits
      ALTAIR_FORK_VERSION: 0x01000000                              | 4 | ALTAIR_FORK_EPOCH    | missing; ALTAIR_FORK_VERSION is given
      DENEB_FORK_EPOCH: 5                                          | 4 | DENEB_FORK_VERSION   | missing; DENEB_FORK_EPOCH is given
      ALTAIR_FORK_VERSION: 0x01000000\\nALTAIR_FORK_EPOCH: 10\\nBELLATRIX_FORK_VERSION: 0x02000000\\nBELLATRIX_FORK_EPOCH: 9 | 7 | BELLATRIX_FORK_EPOCH | is before the altair epoch 10
      SECONDS_PER_SLOT: 12                                         | 4 | SECONDS_PER_SLOT     | key repeated (first on line 2)
      \\tFOO: 1                                                    | 4 |                      | tab character
      "  FOO: 1"                                                   | 4 |                      | unexpected indentation
      foo: 1                                                       | 4 |                      | bad key 'foo'
      FOO:1                                                        | 4 | FOO                  | expected a space after ':'
      FOO                                                          | 4 |                      | expected 'KEY: value'
      FOO: 'open                                                   | 4 |                      | unterminated quoted string
      FOO: a b                                                     | 4 | FOO                  | unsupported value 'a b'
      FOO: {a: 1}                                                  | 4 | FOO                  | unsupported value
      FOO: [1]                                                     | 4 | FOO                  | unsupported value
      FOO: &anchor 1                                               | 4 | FOO                  | unsupported value
      FOO:                                                         | 4 | FOO                  | empty list
      FOO:\\nBAR: 1                                                | 4 | FOO                  | empty list
      GAS_LIMIT_SCHEDULE:\\n  - EPOCH:                           | 5 | GAS_LIMIT_SCHEDULE   | missing value
      GAS_LIMIT_SCHEDULE:\\n    GAS_LIMIT: 1                     | 5 | GAS_LIMIT_SCHEDULE   | expected a list item
      GAS_LIMIT_SCHEDULE:\\n  -EPOCH: 1                          | 5 | GAS_LIMIT_SCHEDULE   | expected '- KEY: value'
      BLOB_SCHEDULE:                                               | 4 | BLOB_SCHEDULE        | empty list
      BLOB_SCHEDULE: 3                                             | 4 | BLOB_SCHEDULE        | expected a list of entries or []
      BLOB_SCHEDULE:\\n  - EPOCH: 1                                | 5 | BLOB_SCHEDULE        | entry without MAX_BLOBS_PER_BLOCK
      BLOB_SCHEDULE:\\n  - MAX_BLOBS_PER_BLOCK: 1\\nFOO: 1         | 5 | BLOB_SCHEDULE        | entry without EPOCH
      BLOB_SCHEDULE:\\n  - EPOCH: 1\\n    EPOCH: 2                 | 6 | BLOB_SCHEDULE        | EPOCH given twice
      BLOB_SCHEDULE:\\n  - EPOCH: 1\\n    TARGET: 2                | 6 | BLOB_SCHEDULE        | unknown entry field 'TARGET'
      BLOB_SCHEDULE:\\n  - EPOCH: x\\n    MAX_BLOBS_PER_BLOCK: 2   | 5 | BLOB_SCHEDULE.EPOCH  | expected an unsigned decimal integer
      BLOB_SCHEDULE:\\n  -EPOCH: 1                                 | 5 | BLOB_SCHEDULE        | expected '- EPOCH: <n>'
      BLOB_SCHEDULE:\\n    MAX_BLOBS_PER_BLOCK: 2                  | 5 | BLOB_SCHEDULE        | expected a list item
      BLOB_SCHEDULE:\\n  - EPOCH: 1\\n    MAX_BLOBS_PER_BLOCK: 2\\n  - EPOCH: 1\\n    MAX_BLOBS_PER_BLOCK: 3 | 7 | BLOB_SCHEDULE | epoch 1 already scheduled on line 5
      BLOB_SCHEDULE: []\\nBLOB_SCHEDULE: []                        | 5 | BLOB_SCHEDULE        | key repeated (first on line 4)
      SLOT_DURATION_MS: 6000                                       | 2 | SECONDS_PER_SLOT     | disagrees with SLOT_DURATION_MS
      SLOTS_PER_EPOCH: 0                                           | 4 | SLOTS_PER_EPOCH      | must be a positive number
      FULU_FORK_VERSION: 0x06000000\\nFULU_FORK_EPOCH: 7           | 5 | MAX_BLOBS_PER_BLOCK_ELECTRA | no BLOB_SCHEDULE entry starts at or before its epoch
      """)
  void badLinesNameLineAndKey(String extra, int line, String key, String message) {
    String text = BASE + extra.replace("\\n", "\n").replace("\\t", "\t");
    assertThatThrownBy(() -> ChainConfig.parse(text))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
          assertThat(e.key().orElse(null)).as(e.getMessage()).isEqualTo(key);
          assertThat(e.getMessage()).contains(message);
          if (line > 0) {
            assertThat(e.getMessage()).startsWith("config line " + line);
          }
        });
  }

  @Test
  void missingRequiredKeys() {
    assertThatThrownBy(() -> ChainConfig.parse("PRESET_BASE: mainnet\nSECONDS_PER_SLOT: 12\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config (GENESIS_FORK_VERSION): missing");
    assertThatThrownBy(() -> ChainConfig.parse("PRESET_BASE: mainnet\nGENESIS_FORK_VERSION: 0x00000000"))
        .hasMessageContaining("SLOT_DURATION_MS").hasMessageContaining("missing");
    assertThatThrownBy(() -> ChainConfig.parse("SECONDS_PER_SLOT: 12\nGENESIS_FORK_VERSION: 0x00000000"))
        .hasMessageContaining("PRESET_BASE");
    assertThatThrownBy(() -> ChainConfig.parse(BASE.replace("mainnet", "gnosis")))
        .hasMessageContaining("unknown preset 'gnosis'");
    // SLOTS_PER_EPOCH instead of a known preset.
    assertThat(ChainConfig.parse(BASE.replace("mainnet", "gnosis") + "SLOTS_PER_EPOCH: 16\n")
        .slotsPerEpoch()).isEqualTo(16);
  }

  @Test
  void boundedInput() {
    String longLine = BASE + "FOO: " + "1".repeat(ChainConfig.MAX_LINE) + "\n";
    assertThatThrownBy(() -> ChainConfig.parse(longLine))
        .isInstanceOf(ConfigException.class).hasMessageContaining("line 4")
        .hasMessageContaining("longer than");
    String big = BASE + "# x\n".repeat(ChainConfig.MAX_CHARS / 4);
    assertThatThrownBy(() -> ChainConfig.parse(big))
        .isInstanceOf(ConfigException.class).hasMessageContaining("larger than");
    StringBuilder many = new StringBuilder(BASE + "BLOB_SCHEDULE:\n");
    for (int i = 0; i <= ChainConfig.MAX_BLOB_ENTRIES; i++) {
      many.append("  - EPOCH: ").append(i).append("\n    MAX_BLOBS_PER_BLOCK: 1\n");
    }
    assertThatThrownBy(() -> ChainConfig.parse(many.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("more than 1024 entries");
    byte[] notUtf8 = {'F', 'O', 'O', ':', ' ', (byte) 0xC3, '\n'};
    assertThatThrownBy(() -> ChainConfig.parse(new ByteArrayInputStream(notUtf8)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("UTF-8");
  }

  @Test
  void commentsAndQuotes() {
    ChainConfig c = ChainConfig.parse(BASE
        + "A: 'x # not a comment' # a comment\n"
        + "B: \"y\"\n"
        + "C: 0x7f02C3E3c98b133055B8B348B2Ac625669Ed295D   # trailing\n"
        + "   # indented comment\n"
        + "D: 58750000000000000000000\n");
    assertThat(c.value("A")).contains("x # not a comment");
    assertThat(c.value("B")).contains("y");
    assertThat(c.value("C")).contains("0x7f02C3E3c98b133055B8B348B2Ac625669Ed295D");
    assertThat(c.value("D")).contains("58750000000000000000000");
    assertThat(c.fork("fulu")).isEmpty();
    assertThat(c.name()).isEqualTo("custom");
    assertThat(ChainConfig.parse(BASE + "GLOAS_FORK_VERSION: 0x07000000\n"
        + "GLOAS_FORK_EPOCH: 18446744073709551615\n").fork("gloas").orElseThrow().epoch())
        .isEqualTo(FAR);
  }
}
