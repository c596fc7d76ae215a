package io.serenity.p2p.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The js partner's line protocol (one JSON object per line, both ways), read and written with
 * Jackson. Objects read become {@code Map<String, Object>} in field order, arrays {@code List},
 * whole numbers {@code Integer}/{@code Long}/{@code BigInteger} and others {@code Double}: read
 * numbers through {@link Number}.
 */
final class JsonLines {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private JsonLines() {
    }

    /** Parses one line holding one JSON object; throws IllegalArgumentException on anything else. */
    static Map<String, Object> parseObject(String line) {
        Map<String, Object> m;
        try {
            m = MAPPER.readValue(line, OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object line: " + e.getOriginalMessage() + " in " + line, e);
        }
        if (m == null) {
            throw new IllegalArgumentException("not a JSON object: " + line);
        }
        return m;
    }

    /** An empty object to fill in order and {@link #write}. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code o} as one compact line, without a line end. */
    static String write(ObjectNode o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            // a tree of plain nodes always serializes
            throw new IllegalStateException(e);
        }
    }
}
