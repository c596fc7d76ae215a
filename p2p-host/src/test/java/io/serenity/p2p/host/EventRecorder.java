package io.serenity.p2p.host;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Test fixture: records a host's events and waits for one matching a predicate. */
public final class EventRecorder {

  private final List<HostEvent> events = new ArrayList<>();

  public EventRecorder(Host host) {
    host.addListener(this::record);
  }

  private synchronized void record(HostEvent e) {
    events.add(e);
    notifyAll();
  }

  /** All events so far. */
  public synchronized List<HostEvent> events() {
    return List.copyOf(events);
  }

  /** Waits (bounded by {@link TestHosts#TIMEOUT}) for an event of {@code type} matching {@code p}. */
  public synchronized <T extends HostEvent> T await(Class<T> type, Predicate<T> p) {
    long deadline = System.nanoTime() + TestHosts.TIMEOUT.toNanos();
    while (true) {
      for (HostEvent e : events) {
        if (type.isInstance(e) && p.test(type.cast(e))) {
          return type.cast(e);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no " + type.getSimpleName() + " event matched; got " + events);
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new AssertionError(ex);
      }
    }
  }
}
