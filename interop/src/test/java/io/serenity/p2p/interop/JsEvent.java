package io.serenity.p2p.interop;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One line printed by {@code peer.mjs}: a JSON object whose {@code "event"} field names it
 * (listening, connected, identify, ping, echo, disconnected, done, stopped, error). The schema is in
 * docs/interop.md.
 *
 * @param name   the {@code "event"} field, or {@code "unparsed"} for a line that was not a JSON object
 * @param fields every field of the object
 * @param line   the line as printed, for failure messages
 */
record JsEvent(String name, Map<String, Object> fields, String line) {

    JsEvent {
        Objects.requireNonNull(name, "name");
        // JSON nulls are dropped: Map.copyOf rejects them, and an absent field reads the same to the tests.
        fields = fields.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        Objects.requireNonNull(line, "line");
    }

    /** Parses one stdout line; a line that is not a JSON object becomes an {@code "unparsed"} event. */
    static JsEvent parse(String line) {
        try {
            Map<String, Object> m = JsonLines.parseObject(line);
            Object name = m.get("event");
            return new JsEvent(name instanceof String s ? s : "unparsed", m, line);
        } catch (IllegalArgumentException e) {
            return new JsEvent("unparsed", Map.of(), line);
        }
    }

    boolean has(String key) {
        return fields.containsKey(key);
    }

    /** A string field; fails the test when absent or not a string. */
    String str(String key) {
        if (fields.get(key) instanceof String s) {
            return s;
        }
        throw new AssertionError("js event has no string field '" + key + "': " + line);
    }

    /** A numeric field as a long; fails the test when absent or not a number. */
    long num(String key) {
        if (fields.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw new AssertionError("js event has no numeric field '" + key + "': " + line);
    }

    /** A numeric field as a double; fails the test when absent or not a number. */
    double decimal(String key) {
        if (fields.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new AssertionError("js event has no numeric field '" + key + "': " + line);
    }

    /** A boolean field; fails the test when absent or not a boolean. */
    boolean bool(String key) {
        if (fields.get(key) instanceof Boolean b) {
            return b;
        }
        throw new AssertionError("js event has no boolean field '" + key + "': " + line);
    }

    /** An array-of-strings field; fails the test when absent or of another shape. */
    List<String> strings(String key) {
        if (fields.get(key) instanceof List<?> l && l.stream().allMatch(String.class::isInstance)) {
            return l.stream().map(String.class::cast).toList();
        }
        throw new AssertionError("js event has no string-array field '" + key + "': " + line);
    }

    @Override
    public String toString() {
        return line;
    }
}
