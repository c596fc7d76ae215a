package io.serenity.p2p.multistream;

import java.util.List;
import java.util.Objects;

/** One multistream-select 1.0 message. */
public sealed interface MultistreamMessage {

  /** The header {@code /multistream/1.0.0} each side sends first. */
  record Header() implements MultistreamMessage {}

  /** {@code na}: the proposed protocol is not available. */
  record Na() implements MultistreamMessage {}

  /** {@code ls}: a request for the listener's protocols. */
  record Ls() implements MultistreamMessage {}

  /**
   * A protocol id: a proposal from the dialer or the listener's echo of it.
   *
   * @param id the protocol id
   */
  record Protocol(String id) implements MultistreamMessage {
    /** Checks the id is not null. */
    public Protocol {
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * The answer to {@code ls}: one message whose body is the protocols, each encoded as its own
   * message, followed by a newline (multistream-select README, "Listing").
   *
   * @param protocols the listener's protocol ids
   */
  record ProtocolList(List<String> protocols) implements MultistreamMessage {
    /** Copies the list. */
    public ProtocolList {
      protocols = List.copyOf(protocols);
    }
  }

  /** Shared instances of the constant messages. */
  Header HEADER = new Header();

  /** The {@code na} reply. */
  Na NA = new Na();

  /** The {@code ls} request. */
  Ls LS = new Ls();
}
