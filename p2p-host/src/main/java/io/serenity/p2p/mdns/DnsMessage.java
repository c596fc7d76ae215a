package io.serenity.p2p.mdns;

import java.util.ArrayList;
import java.util.List;

/**
 * A DNS message (RFC 1035 §4.1) as mDNS uses it (RFC 6762 §18).
 *
 * @param id the query id: 0 in multicast messages, echoed in legacy unicast replies (RFC 6762 §18.1)
 * @param flags the 16 header bits after the id: QR, OPCODE, AA, TC, RD, RA, Z, AD, CD, RCODE
 */
record DnsMessage(
    int id,
    int flags,
    List<DnsQuestion> questions,
    List<DnsRecord> answers,
    List<DnsRecord> authorities,
    List<DnsRecord> additionals) {

  /** QR: the message is a response. */
  static final int FLAG_RESPONSE = 0x8000;
  /** AA: authoritative answer; mDNS responses set it (RFC 6762 §18.4). */
  static final int FLAG_AUTHORITATIVE = 0x0400;

  DnsMessage {
    questions = List.copyOf(questions);
    answers = List.copyOf(answers);
    authorities = List.copyOf(authorities);
    additionals = List.copyOf(additionals);
  }

  /** A multicast query (id 0, no flags) with {@code questions}. */
  static DnsMessage query(List<DnsQuestion> questions) {
    return new DnsMessage(0, 0, questions, List.of(), List.of(), List.of());
  }

  boolean isResponse() {
    return (flags & FLAG_RESPONSE) != 0;
  }

  int opcode() {
    return (flags >>> 11) & 0xf;
  }

  int rcode() {
    return flags & 0xf;
  }

  /** Answers, authorities and additionals, in that order. */
  List<DnsRecord> records() {
    List<DnsRecord> all = new ArrayList<>(answers.size() + authorities.size() + additionals.size());
    all.addAll(answers);
    all.addAll(authorities);
    all.addAll(additionals);
    return all;
  }
}
