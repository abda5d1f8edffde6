package io.propius.edge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.round.RoundSpec;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.PartialUpdate;
import io.propius.edge.upstream.PartialUpdate.Upload;
import org.junit.jupiter.api.Test;

/**
 * Uploads travelling up with partial pushes: a push resent after a lost answer, or a newer push
 * repeating uploads the parent already applied, passes each upload on once.
 */
class RoundAggregateUploadsTest {
  private static final RoundKey KEY = new RoundKey(7, 1);
  private static final RoundSpec SPEC = RoundSpec.sync("sum", 1, 10, 0);

  private static void contribute(RoundAggregate leaf, String device) {
    leaf.add(Contribution.of(new double[] {1}, 1));
    leaf.uploaded(device, 1, 100);
  }

  @Test
  void eachUploadIsPassedOnOnceWhateverPushesRepeatIt() {
    RoundAggregate leaf = new RoundAggregate(KEY, SPEC, 0);
    RoundAggregate root = new RoundAggregate(KEY, SPEC, 0);
    contribute(leaf, "phone-1");
    PartialUpdate first = leaf.beginPush("leaf-1");
    assertThat(first.uploads()).containsExactly(new Upload("phone-1", 1, 100, 1));
    assertThat(root.offered(first)).extracting(Upload::deviceId).containsExactly("phone-1");
    assertThat(root.offered(first)).as("the same push again").isNull();
    leaf.pushed(-1); // the root's answer was lost

    contribute(leaf, "phone-2");
    PartialUpdate second = leaf.beginPush("leaf-1");
    assertThat(second.uploads()).extracting(Upload::deviceId).containsExactly("phone-1", "phone-2");
    assertThat(root.offered(second)).as("phone-1 came with version 1, already held").extracting(Upload::deviceId)
        .containsExactly("phone-2");
    leaf.pushed(second.version());

    contribute(leaf, "phone-3");
    PartialUpdate third = leaf.beginPush("leaf-1");
    assertThat(third.uploads()).as("acknowledged uploads are not sent again").extracting(Upload::deviceId)
        .containsExactly("phone-3");
    assertThat(root.offered(third)).extracting(Upload::deviceId).containsExactly("phone-3");
    assertThat(root.version()).isEqualTo(3);
  }
}
