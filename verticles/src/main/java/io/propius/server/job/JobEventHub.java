package io.propius.server.job;

import io.propius.api.grpc.JobEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Fans job events from the event bus out to the watchers connected to one job manager verticle.
 * Confined to that verticle's event loop, like the connections it serves.
 */
final class JobEventHub {
  private final Map<Long, List<Consumer<JobEvent>>> watchers = new HashMap<>();
  private final JobEvents events;

  /** @param events told of every watcher that comes and goes */
  JobEventHub(JobEvents events) {
    this.events = events;
  }

  /** @return the action that unsubscribes */
  Runnable subscribe(long jobId, Consumer<JobEvent> watcher) {
    // Counted before it can be told anything: from here on, device events go out.
    events.watchers(1);
    watchers.computeIfAbsent(jobId, k -> new ArrayList<>()).add(watcher);
    return () -> {
      List<Consumer<JobEvent>> list = watchers.get(jobId);
      if (list != null && list.remove(watcher)) {
        events.watchers(-1);
        if (list.isEmpty()) {
          watchers.remove(jobId);
        }
      }
    };
  }

  void dispatch(JobEvent event) {
    List<Consumer<JobEvent>> list = watchers.get(event.getJobId());
    if (list != null) {
      // Copy: a watcher may unsubscribe (or another subscribe) while being told.
      for (Consumer<JobEvent> watcher : new ArrayList<>(list)) {
        watcher.accept(event);
      }
    }
  }

  int watcherCount() {
    return watchers.values().stream().mapToInt(List::size).sum();
  }
}
