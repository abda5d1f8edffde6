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

  /** @return the action that unsubscribes */
  Runnable subscribe(long jobId, Consumer<JobEvent> watcher) {
    watchers.computeIfAbsent(jobId, k -> new ArrayList<>()).add(watcher);
    return () -> {
      List<Consumer<JobEvent>> list = watchers.get(jobId);
      if (list != null && list.remove(watcher) && list.isEmpty()) {
        watchers.remove(jobId);
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
