package io.propius.edge.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.auth.TenantKeys;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys decide the tenant, the owner lookup decides the job; owners are remembered, boundedly. */
class TenantJobAccessTest {
  private static final String KEY_A = "key-a-0123456789abcdef";
  private static final String KEY_B = "key-b-0123456789abcdef";
  private final List<Long> lookups = new ArrayList<>();
  /** Odd jobs are team-a's, even jobs team-b's, jobs over 100 do not exist. */
  private final JobOwners owners = job -> {
    lookups.add(job);
    return job > 100 ? Future.failedFuture(new PropiusException(ErrorCode.NOT_FOUND, "no job " + job))
        : Future.succeededFuture(job % 2 == 1 ? "team-a" : "team-b");
  };
  private final TenantJobAccess access = new TenantJobAccess(
      new TenantKeys(Map.of("team-a", KEY_A, "team-b", KEY_B)), owners, 2);

  private static ErrorCode refusal(Future<Void> f) {
    assertThat(f.failed()).as("refused").isTrue();
    return ((PropiusException) f.cause()).code();
  }

  @Test
  void refusesWhatTheControlPlaneRefuses() {
    assertThat(refusal(access.authorize(null, 1))).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(refusal(access.authorize("Bearer nope-0123456789abcdef", 1))).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(lookups).as("no lookup without a known key").isEmpty();
    assertThat(access.authorize("Bearer " + KEY_A, 1).succeeded()).isTrue();
    assertThat(access.authorize("bearer " + KEY_B, 2).succeeded()).isTrue();
    Future<Void> foreign = access.authorize("Bearer " + KEY_B, 1);
    assertThat(refusal(foreign)).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(foreign.cause()).hasMessage("job 1 belongs to another tenant");
    assertThat(refusal(access.authorize("Bearer " + KEY_A, 101))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void remembersRecentOwnersOnlyUpToItsBound() {
    access.authorize("Bearer " + KEY_A, 1);
    access.authorize("Bearer " + KEY_B, 1);
    access.authorize("Bearer " + KEY_A, 3);
    assertThat(lookups).as("job 1 looked up once").containsExactly(1L, 3L);
    access.authorize("Bearer " + KEY_A, 101);
    access.authorize("Bearer " + KEY_A, 101);
    assertThat(lookups).as("unknown jobs are not remembered").containsExactly(1L, 3L, 101L, 101L);
    access.authorize("Bearer " + KEY_B, 4); // a third owner: one of the three is forgotten
    List.of(1L, 3L, 4L).forEach(job -> access.authorize("Bearer " + KEY_A, job));
    assertThat(lookups).as("at most two owners remembered").hasSizeGreaterThan(5);
  }
}
