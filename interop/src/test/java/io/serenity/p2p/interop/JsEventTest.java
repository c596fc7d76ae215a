package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** Reading the js partner's stdout lines (no js process needed). */
class JsEventTest {

    @Test
    void aLineBecomesAnEventWithTypedFields() {
        JsEvent e = JsEvent.parse("{\"event\":\"message\",\"topic\":\"t\",\"size\":11,\"seqno\":9007199254740993,"
                + "\"score\":-1.5,\"ok\":true,\"protocols\":[\"/ipfs/id/1.0.0\",\"/ipfs/ping/1.0.0\"],"
                + "\"from\":null,\"status\":{\"headSlot\":\"77\",\"root\":null}}");
        assertThat(e.name()).isEqualTo("message");
        assertThat(e.str("topic")).isEqualTo("t");
        assertThat(e.num("size")).isEqualTo(11);
        assertThat(e.num("seqno")).isEqualTo(9007199254740993L);
        assertThat(e.decimal("score")).isEqualTo(-1.5);
        assertThat(e.decimal("size")).isEqualTo(11.0);
        assertThat(e.bool("ok")).isTrue();
        assertThat(e.strings("protocols")).containsExactly("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0");
        assertThat(e.has("from")).as("a null field reads as absent").isFalse();
        assertThat(e.fields().get("status")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("headSlot", "77").containsKey("root");
    }

    @Test
    void aLineThatIsNotOneJsonObjectIsUnparsed() {
        for (String line : List.of("listening on 127.0.0.1", "[1,2]", "null", "{\"event\":\"x\"} trailing", "{\"event\":",
                "")) {
            JsEvent e = JsEvent.parse(line);
            assertThat(e.name()).as(line).isEqualTo("unparsed");
            assertThat(e.line()).isEqualTo(line);
        }
    }

    @Test
    void aMissingOrMistypedFieldFailsTheTestWithTheLine() {
        JsEvent e = JsEvent.parse("{\"event\":\"ping\",\"rttMs\":\"fast\"}");
        assertThatThrownBy(() -> e.num("rttMs")).isInstanceOf(AssertionError.class).hasMessageContaining("rttMs")
                .hasMessageContaining("\"fast\"");
        assertThatThrownBy(() -> e.str("peer")).isInstanceOf(AssertionError.class).hasMessageContaining("peer");
    }

    @Test
    void linesWeWriteAreReadBackUnchanged() {
        String line = JsonLines.write(JsonLines.object().put("type", "ed25519").put("message", "a\"b\\c\n")
                .put("index", 3));
        assertThat(line).isEqualTo("{\"type\":\"ed25519\",\"message\":\"a\\\"b\\\\c\\n\",\"index\":3}");
        Map<String, Object> back = JsonLines.parseObject(line);
        assertThat(back).containsExactly(Map.entry("type", "ed25519"), Map.entry("message", "a\"b\\c\n"),
                Map.entry("index", 3));
    }
}
