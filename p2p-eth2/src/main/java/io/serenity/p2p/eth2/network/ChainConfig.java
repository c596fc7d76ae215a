package io.serenity.p2p.eth2.network;

import io.serenity.p2p.eth2.ssz.Bytes4;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The network-level part of a consensus-specs {@code config.yaml}: fork versions and epochs, slot
 * timing, the blob schedule, plus every other {@code KEY: value} kept as text.
 *
 * <p>{@link #parse(String)} reads the subset of YAML these files use, and nothing else:
 *
 * <ul>
 *   <li>blank lines and {@code #} comments (also after a value, preceded by a space);
 *   <li>top-level {@code KEY: value} lines, {@code KEY} made of {@code A-Z}, {@code 0-9} and {@code _},
 *       the value a plain scalar or a single- or double-quoted string without escapes; each key at
 *       most once;
 *   <li>{@code BLOB_SCHEDULE:} followed by indented items {@code - EPOCH: n} / {@code MAX_BLOBS_PER_BLOCK: n},
 *       or {@code BLOB_SCHEDULE: []};
 *   <li>other lists of the same shape (e.g. {@code GAS_LIMIT_SCHEDULE:} with {@code - EPOCH: n} /
 *       {@code GAS_LIMIT: n} items, as in Sepolia's config): checked for that shape, then skipped,
 *       since no key of theirs is for the network layer.
 * </ul>
 *
 * <p>Anything else (tabs, nested maps, other lists, anchors, multi-line values) is refused with a
 * {@link ConfigException} naming the line and key. Input is bounded: {@value #MAX_CHARS} characters,
 * {@value #MAX_LINE} characters a line, {@value #MAX_BLOB_ENTRIES} schedule entries.
 *
 * <p>Interpreted keys: {@code GENESIS_FORK_VERSION} (required), {@code <FORK>_FORK_VERSION} and
 * {@code <FORK>_FORK_EPOCH} for altair, bellatrix, capella, deneb, electra, fulu, gloas and heze
 * (both or neither; epochs must not decrease along that order), {@code SLOT_DURATION_MS} or
 * {@code SECONDS_PER_SLOT} (at least one; equal when both), {@code SLOTS_PER_EPOCH} or else
 * {@code PRESET_BASE} ({@code mainnet}: 32, {@code minimal}: 8), {@code MAX_BLOBS_PER_BLOCK_ELECTRA}
 * (required when Fulu is scheduled and the blob schedule does not cover its epoch),
 * {@code BLOB_SCHEDULE} and {@code CONFIG_NAME}. Genesis time and genesis validators root are not in
 * this file; {@link NetworkConfig#of} adds them.
 *
 * @param name {@code CONFIG_NAME}, or {@code "custom"} when absent
 * @param slotDurationMillis the slot duration in milliseconds
 * @param slotsPerEpoch slots per epoch
 * @param forks the regular forks in spec order, starting with {@code phase0} at epoch 0
 * @param blobSchedule the {@code BLOB_SCHEDULE} entries, sorted by epoch
 * @param maxBlobsPerBlockElectra {@code MAX_BLOBS_PER_BLOCK_ELECTRA} if given
 * @param values every top-level key with its (unquoted) text value, in file order;
 *     {@code BLOB_SCHEDULE} is not among them
 */
public record ChainConfig(
    String name,
    long slotDurationMillis,
    int slotsPerEpoch,
    List<Fork> forks,
    List<BlobParameters> blobSchedule,
    OptionalLong maxBlobsPerBlockElectra,
    Map<String, String> values) {

  /** Largest accepted input, in characters. */
  public static final int MAX_CHARS = 256 * 1024;

  /** Longest accepted line, in characters. */
  public static final int MAX_LINE = 1024;

  /** Most accepted {@code BLOB_SCHEDULE} entries. */
  public static final int MAX_BLOB_ENTRIES = 1024;

  /** The forks after phase0 that this reader knows, in activation order. */
  public static final List<String> FORK_NAMES = List.of(
      "altair", "bellatrix", "capella", "deneb", "electra", "fulu", "gloas", "heze");

  private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]*");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.+\\-]+");
  private static final String BLOB_SCHEDULE = "BLOB_SCHEDULE";
  private static final String ITEM_EPOCH = "EPOCH";
  private static final String ITEM_MAX = "MAX_BLOBS_PER_BLOCK";

  /** Validates and copies. */
  public ChainConfig {
    java.util.Objects.requireNonNull(name, "name");
    if (slotDurationMillis <= 0) {
      throw new IllegalArgumentException("slotDurationMillis must be positive");
    }
    if (slotsPerEpoch <= 0) {
      throw new IllegalArgumentException("slotsPerEpoch must be positive");
    }
    forks = List.copyOf(forks);
    if (forks.isEmpty() || forks.get(0).epoch() != 0 || !forks.get(0).name().equals("phase0")) {
      throw new IllegalArgumentException("the first fork must be phase0 at epoch 0");
    }
    for (int i = 1; i < forks.size(); i++) {
      if (Long.compareUnsigned(forks.get(i).epoch(), forks.get(i - 1).epoch()) < 0) {
        throw new IllegalArgumentException(
            "fork " + forks.get(i) + " activates before " + forks.get(i - 1));
      }
    }
    List<BlobParameters> sorted = new ArrayList<>(blobSchedule);
    sorted.sort((a, b) -> Long.compareUnsigned(a.epoch(), b.epoch()));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).epoch() == sorted.get(i - 1).epoch()) {
        throw new IllegalArgumentException(
            "two BLOB_SCHEDULE entries at epoch " + Long.toUnsignedString(sorted.get(i).epoch()));
      }
    }
    blobSchedule = List.copyOf(sorted);
    java.util.Objects.requireNonNull(maxBlobsPerBlockElectra, "maxBlobsPerBlockElectra");
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * {@return the text value of a top-level key, unquoted}
   *
   * @param key the key
   */
  public Optional<String> value(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * {@return the fork with this name, if the config defines it}
   *
   * @param forkName a lower-case fork name such as {@code "fulu"}
   */
  public Optional<Fork> fork(String forkName) {
    return forks.stream().filter(f -> f.name().equals(forkName)).findFirst();
  }

  /**
   * Reads a {@code config.yaml} file as UTF-8; see {@link #parse(String)}.
   *
   * @param file the file
   * @return the config
   * @throws IOException when the file cannot be read
   * @throws ConfigException when it is too large or not a valid config
   */
  public static ChainConfig parse(Path file) throws IOException {
    if (Files.size(file) > MAX_CHARS * 4L) {
      throw new ConfigException(0, null, "larger than " + MAX_CHARS + " characters");
    }
    return parse(decodeUtf8(Files.readAllBytes(file)));
  }

  /**
   * Reads a {@code config.yaml} stream as UTF-8 (at most {@code 4 * MAX_CHARS} bytes); see
   * {@link #parse(String)}. The stream is not closed.
   *
   * @param in the stream
   * @return the config
   * @throws IOException when reading fails
   * @throws ConfigException when it is too large or not a valid config
   */
  public static ChainConfig parse(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_CHARS * 4 + 1);
    if (bytes.length > MAX_CHARS * 4) {
      throw new ConfigException(0, null, "larger than " + MAX_CHARS + " characters");
    }
    return parse(decodeUtf8(bytes));
  }

  private static String decodeUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(0, null, "not valid UTF-8");
    }
  }

  /**
   * Parses the text of a {@code config.yaml} (the format of ethereum/consensus-specs
   * {@code configs/mainnet.yaml} and of the networks' published {@code metadata/config.yaml}).
   *
   * @param text the file content
   * @return the config
   * @throws ConfigException naming the line and key of the first problem
   */
  public static ChainConfig parse(String text) {
    return new Reader(text).read();
  }

  /** The line-oriented reader; one instance per parse. */
  private static final class Reader {
    private final String text;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();
    private final List<BlobParameters> schedule = new ArrayList<>();
    private final Map<Long, Integer> scheduleLines = new LinkedHashMap<>();
    private boolean scheduleSeen;

    Reader(String text) {
      this.text = java.util.Objects.requireNonNull(text, "text");
    }

    ChainConfig read() {
      if (text.length() > MAX_CHARS) {
        throw new ConfigException(0, null, "larger than " + MAX_CHARS + " characters");
      }
      String[] raw = text.split("\r?\n", -1);
      boolean inSchedule = false;
      String skipping = null; // an uninterpreted list being skipped
      int skippedItems = 0;
      Long itemEpoch = null;
      Long itemMax = null;
      int itemLine = 0;
      for (int i = 0; i < raw.length; i++) {
        int no = i + 1;
        String line = raw[i];
        if (line.length() > MAX_LINE) {
          throw new ConfigException(no, null, "line longer than " + MAX_LINE + " characters");
        }
        if (line.indexOf('\t') >= 0) {
          throw new ConfigException(no, null, "tab character (YAML indents with spaces)");
        }
        String content = stripComment(line, no);
        if (content.isBlank()) {
          continue;
        }
        boolean indented = content.charAt(0) == ' ';
        String trimmed = content.strip();
        if (skipping != null && (indented || trimmed.startsWith("-"))) {
          String field = trimmed;
          if (trimmed.startsWith("-")) {
            if (trimmed.length() < 2 || trimmed.charAt(1) != ' ') {
              throw new ConfigException(no, skipping, "expected '- KEY: value'");
            }
            field = trimmed.substring(2).strip();
            skippedItems++;
          } else if (skippedItems == 0) {
            throw new ConfigException(no, skipping, "expected a list item starting with '- '");
          }
          String[] kv = splitKeyValue(field, no, skipping);
          if (kv[1].isEmpty()) {
            throw new ConfigException(no, skipping, "missing value (nested values are not supported)");
          }
          unquote(kv[1], no, skipping + "." + kv[0]);
          continue;
        }
        if (skipping != null) {
          if (skippedItems == 0) {
            throw new ConfigException(lines.get(skipping), skipping, "empty list: write '" + skipping + ": []'");
          }
          skipping = null;
        }
        if (inSchedule && (indented || trimmed.startsWith("-"))) {
          String field;
          if (trimmed.startsWith("-")) {
            if (itemLine != 0) {
              finishItem(itemEpoch, itemMax, itemLine);
            }
            if (trimmed.length() < 2 || trimmed.charAt(1) != ' ') {
              throw new ConfigException(no, BLOB_SCHEDULE, "expected '- EPOCH: <n>'");
            }
            field = trimmed.substring(2).strip();
            itemEpoch = null;
            itemMax = null;
            itemLine = no;
          } else {
            if (itemLine == 0) {
              throw new ConfigException(no, BLOB_SCHEDULE, "expected a list item starting with '- '");
            }
            field = trimmed;
          }
          String[] kv = splitKeyValue(field, no, BLOB_SCHEDULE);
          String itemKey = kv[0];
          long v = unsigned(kv[1], no, BLOB_SCHEDULE + "." + itemKey);
          if (itemKey.equals(ITEM_EPOCH)) {
            if (itemEpoch != null) {
              throw new ConfigException(no, BLOB_SCHEDULE, "EPOCH given twice in one entry");
            }
            itemEpoch = v;
          } else if (itemKey.equals(ITEM_MAX)) {
            if (itemMax != null) {
              throw new ConfigException(no, BLOB_SCHEDULE,
                  "MAX_BLOBS_PER_BLOCK given twice in one entry");
            }
            itemMax = v;
          } else {
            throw new ConfigException(no, BLOB_SCHEDULE, "unknown entry field '" + itemKey
                + "' (expected EPOCH and MAX_BLOBS_PER_BLOCK)");
          }
          continue;
        }
        if (inSchedule) {
          if (itemLine != 0) {
            finishItem(itemEpoch, itemMax, itemLine);
          } else {
            throw new ConfigException(no, BLOB_SCHEDULE, "empty list: write 'BLOB_SCHEDULE: []'");
          }
          inSchedule = false;
          itemLine = 0;
        }
        if (indented) {
          throw new ConfigException(no, null,
              "unexpected indentation (only lists such as BLOB_SCHEDULE may have nested lines)");
        }
        String[] kv = splitKeyValue(trimmed, no, null);
        String key = kv[0];
        if (lines.containsKey(key) || (key.equals(BLOB_SCHEDULE) && scheduleSeen)) {
          throw new ConfigException(no, key, "key repeated (first on line "
              + (key.equals(BLOB_SCHEDULE) ? lines.getOrDefault(key, 0) : lines.get(key)) + ")");
        }
        if (key.equals(BLOB_SCHEDULE)) {
          scheduleSeen = true;
          lines.put(key, no);
          if (kv[1].isEmpty()) {
            inSchedule = true;
          } else if (!kv[1].equals("[]")) {
            throw new ConfigException(no, key, "expected a list of entries or []");
          }
          continue;
        }
        if (kv[1].isEmpty()) {
          // a list the network layer does not use (e.g. GAS_LIMIT_SCHEDULE): checked, then skipped
          lines.put(key, no);
          skipping = key;
          skippedItems = 0;
          continue;
        }
        lines.put(key, no);
        values.put(key, unquote(kv[1], no, key));
      }
      if (skipping != null && skippedItems == 0) {
        throw new ConfigException(lines.get(skipping), skipping, "empty list: write '" + skipping + ": []'");
      }
      if (inSchedule) {
        if (itemLine == 0) {
          throw new ConfigException(lines.get(BLOB_SCHEDULE), BLOB_SCHEDULE,
              "empty list: write 'BLOB_SCHEDULE: []'");
        }
        finishItem(itemEpoch, itemMax, itemLine);
      }
      return build();
    }

    private void finishItem(Long epoch, Long max, int line) {
      if (epoch == null) {
        throw new ConfigException(line, BLOB_SCHEDULE, "entry without EPOCH");
      }
      if (max == null) {
        throw new ConfigException(line, BLOB_SCHEDULE, "entry without MAX_BLOBS_PER_BLOCK");
      }
      Integer previous = scheduleLines.putIfAbsent(epoch, line);
      if (previous != null) {
        throw new ConfigException(line, BLOB_SCHEDULE, "epoch " + Long.toUnsignedString(epoch)
            + " already scheduled on line " + previous);
      }
      if (schedule.size() == MAX_BLOB_ENTRIES) {
        throw new ConfigException(line, BLOB_SCHEDULE, "more than " + MAX_BLOB_ENTRIES + " entries");
      }
      schedule.add(new BlobParameters(epoch, max));
    }

    private ChainConfig build() {
      List<Fork> forks = new ArrayList<>();
      forks.add(new Fork("phase0", bytes4("GENESIS_FORK_VERSION", true), 0));
      for (String forkName : FORK_NAMES) {
        String upper = forkName.toUpperCase(Locale.ROOT);
        String versionKey = upper + "_FORK_VERSION";
        String epochKey = upper + "_FORK_EPOCH";
        boolean hasVersion = values.containsKey(versionKey);
        boolean hasEpoch = values.containsKey(epochKey);
        if (!hasVersion && !hasEpoch) {
          continue;
        }
        if (!hasVersion || !hasEpoch) {
          String present = hasVersion ? versionKey : epochKey;
          String missing = hasVersion ? epochKey : versionKey;
          throw new ConfigException(lines.get(present), missing,
              "missing; " + present + " is given, so both are needed");
        }
        Fork fork = new Fork(forkName, bytes4(versionKey, true), unsigned(epochKey));
        Fork previous = forks.get(forks.size() - 1);
        if (Long.compareUnsigned(fork.epoch(), previous.epoch()) < 0) {
          throw new ConfigException(lines.get(epochKey), epochKey, "epoch "
              + Long.toUnsignedString(fork.epoch()) + " is before the " + previous.name()
              + " epoch " + Long.toUnsignedString(previous.epoch()));
        }
        forks.add(fork);
      }

      long slotMillis = slotDurationMillis();
      int slotsPerEpoch = slotsPerEpoch();
      OptionalLong electraMax = values.containsKey("MAX_BLOBS_PER_BLOCK_ELECTRA")
          ? OptionalLong.of(unsigned("MAX_BLOBS_PER_BLOCK_ELECTRA"))
          : OptionalLong.empty();
      Optional<Fork> fulu = forks.stream().filter(f -> f.name().equals("fulu")).findFirst();
      if (fulu.isPresent() && fulu.get().scheduled() && electraMax.isEmpty()) {
        long fuluEpoch = fulu.get().epoch();
        boolean covered = schedule.stream()
            .anyMatch(b -> Long.compareUnsigned(b.epoch(), fuluEpoch) <= 0);
        if (!covered) {
          throw new ConfigException(lines.get("FULU_FORK_EPOCH"), "MAX_BLOBS_PER_BLOCK_ELECTRA",
              "missing; Fulu is scheduled and no BLOB_SCHEDULE entry starts at or before its epoch,"
                  + " so the digest needs the Electra blob limit");
        }
      }
      String name = values.getOrDefault("CONFIG_NAME", "custom");
      return new ChainConfig(name, slotMillis, slotsPerEpoch, forks, schedule, electraMax, values);
    }

    private long slotDurationMillis() {
      boolean ms = values.containsKey("SLOT_DURATION_MS");
      boolean s = values.containsKey("SECONDS_PER_SLOT");
      if (!ms && !s) {
        throw new ConfigException(0, "SLOT_DURATION_MS",
            "missing (and no SECONDS_PER_SLOT either)");
      }
      long fromMs = ms ? positive("SLOT_DURATION_MS") : -1;
      long fromS = -1;
      if (s) {
        long seconds = positive("SECONDS_PER_SLOT");
        if (seconds > Long.MAX_VALUE / 1000) {
          throw new ConfigException(lines.get("SECONDS_PER_SLOT"), "SECONDS_PER_SLOT", "too large");
        }
        fromS = seconds * 1000;
      }
      if (ms && s && fromMs != fromS) {
        throw new ConfigException(lines.get("SECONDS_PER_SLOT"), "SECONDS_PER_SLOT",
            "disagrees with SLOT_DURATION_MS (" + fromMs + " ms)");
      }
      return ms ? fromMs : fromS;
    }

    private int slotsPerEpoch() {
      if (values.containsKey("SLOTS_PER_EPOCH")) {
        long v = positive("SLOTS_PER_EPOCH");
        if (v > Integer.MAX_VALUE) {
          throw new ConfigException(lines.get("SLOTS_PER_EPOCH"), "SLOTS_PER_EPOCH", "too large");
        }
        return (int) v;
      }
      String preset = values.get("PRESET_BASE");
      if (preset == null) {
        throw new ConfigException(0, "PRESET_BASE", "missing (and no SLOTS_PER_EPOCH either)");
      }
      return switch (preset) {
        case "mainnet" -> 32;
        case "minimal" -> 8;
        default -> throw new ConfigException(lines.get("PRESET_BASE"), "PRESET_BASE",
            "unknown preset '" + preset + "' (mainnet or minimal); give SLOTS_PER_EPOCH instead");
      };
    }

    private Bytes4 bytes4(String key, boolean required) {
      String v = values.get(key);
      if (v == null) {
        if (required) {
          throw new ConfigException(0, key, "missing");
        }
        return null;
      }
      if (!v.matches("0x[0-9a-fA-F]{8}")) {
        throw new ConfigException(lines.get(key), key,
            "expected 0x and 8 hex digits, got '" + v + "'");
      }
      return Bytes4.fromHex(v.substring(2));
    }

    private long unsigned(String key) {
      return unsigned(values.get(key), lines.get(key), key);
    }

    private long positive(String key) {
      long v = unsigned(key);
      if (v <= 0) {
        throw new ConfigException(lines.get(key), key, "must be a positive number below 2^63");
      }
      return v;
    }

    private static long unsigned(String v, int line, String key) {
      if (!v.matches("[0-9]{1,20}") || (v.length() > 1 && v.charAt(0) == '0')) {
        throw new ConfigException(line, key,
            "expected an unsigned decimal integer, got '" + v + "'");
      }
      try {
        return Long.parseUnsignedLong(v);
      } catch (NumberFormatException e) {
        throw new ConfigException(line, key, "larger than 2^64 - 1: " + v);
      }
    }

    /** Removes a trailing comment ({@code #} at the start or after a space, outside quotes). */
    private static String stripComment(String line, int no) {
      char quote = 0;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
          return line.substring(0, i);
        }
      }
      if (quote != 0) {
        throw new ConfigException(no, null, "unterminated quoted string");
      }
      return line;
    }

    private static String[] splitKeyValue(String s, int no, String context) {
      int colon = s.indexOf(':');
      if (colon <= 0) {
        throw new ConfigException(no, context, "expected 'KEY: value', got '" + abbreviate(s) + "'");
      }
      String key = s.substring(0, colon);
      if (!KEY.matcher(key).matches()) {
        throw new ConfigException(no, context,
            "bad key '" + abbreviate(key) + "' (expected upper-case letters, digits and _)");
      }
      String rest = s.substring(colon + 1);
      if (!rest.isEmpty() && rest.charAt(0) != ' ') {
        throw new ConfigException(no, key, "expected a space after ':'");
      }
      return new String[] {key, rest.strip()};
    }

    private static String unquote(String v, int no, String key) {
      char first = v.charAt(0);
      if (first == '\'' || first == '"') {
        if (v.length() < 2 || v.charAt(v.length() - 1) != first
            || v.substring(1, v.length() - 1).indexOf(first) >= 0) {
          throw new ConfigException(no, key, "malformed quoted value " + abbreviate(v));
        }
        String inner = v.substring(1, v.length() - 1);
        if (first == '"' && inner.indexOf('\\') >= 0) {
          throw new ConfigException(no, key, "escape sequences are not supported");
        }
        return inner;
      }
      if (!PLAIN.matcher(v).matches()) {
        throw new ConfigException(no, key, "unsupported value '" + abbreviate(v)
            + "' (plain values are letters, digits and _ . + -; quote anything else)");
      }
      return v;
    }

    private static String abbreviate(String s) {
      return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
  }
}
