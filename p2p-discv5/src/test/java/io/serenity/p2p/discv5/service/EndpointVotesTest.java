package io.serenity.p2p.discv5.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.discv5.table.NodeId;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EndpointVotesTest {

  private static final long TTL = TimeUnit.MINUTES.toNanos(5);
  private static final InetSocketAddress A = new InetSocketAddress("203.0.113.7", 9000);
  private static final InetSocketAddress B = new InetSocketAddress("198.51.100.1", 9000);

  private static NodeId voter(int i) {
    byte[] b = new byte[NodeId.SIZE];
    b[0] = (byte) i;
    b[31] = 1;
    return new NodeId(b);
  }

  @Test
  void aWinnerNeedsTheThresholdOfDistinctVoters() {
    EndpointVotes v = new EndpointVotes(3, TTL, 200);
    assertThat(v.vote(voter(1), A, 0)).isEmpty();
    assertThat(v.vote(voter(1), A, 1)).isEmpty();   // the same voter again counts once
    assertThat(v.vote(voter(2), A, 2)).isEmpty();
    assertThat(v.vote(voter(3), A, 3)).contains(A);
  }

  @Test
  void aVoterCountsOnlyForItsLatestEndpoint() {
    EndpointVotes v = new EndpointVotes(3, TTL, 200);
    v.vote(voter(1), A, 0);
    v.vote(voter(2), A, 0);
    v.vote(voter(2), B, 1);                         // changed its mind
    assertThat(v.vote(voter(3), A, 2)).isEmpty();   // A has 2
    assertThat(v.size()).isEqualTo(3);
  }

  @Test
  void aTieHasNoWinner() {
    EndpointVotes v = new EndpointVotes(2, TTL, 200);
    v.vote(voter(1), A, 0);
    v.vote(voter(2), B, 0);
    v.vote(voter(3), A, 0);
    assertThat(v.vote(voter(4), B, 0)).isEmpty();   // 2 and 2
    assertThat(v.vote(voter(5), B, 0)).contains(B);
  }

  @Test
  void oldVotesExpire() {
    EndpointVotes v = new EndpointVotes(3, TTL, 200);
    v.vote(voter(1), A, 0);
    v.vote(voter(2), A, 10);
    assertThat(v.vote(voter(3), A, TTL + 1)).isEmpty(); // voter 1's vote is gone
    assertThat(v.size()).isEqualTo(2);
    assertThat(v.vote(voter(4), A, TTL + 2)).contains(A);
  }

  @Test
  void votersAreBounded() {
    EndpointVotes v = new EndpointVotes(3, TTL, 10);
    for (int i = 0; i < 100; i++) {
      v.vote(voter(i), i % 2 == 0 ? A : B, i);
      assertThat(v.size()).isLessThanOrEqualTo(10);
    }
  }

  @Test
  void zeroVotersIsOff() {
    EndpointVotes v = new EndpointVotes(0, TTL, 10);
    for (int i = 0; i < 5; i++) {
      assertThat(v.vote(voter(i), A, i)).isEmpty();
    }
  }
}
