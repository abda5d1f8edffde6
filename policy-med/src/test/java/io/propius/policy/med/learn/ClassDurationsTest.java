package io.propius.policy.med.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Learning a class's per-shard duration states from observed tasks (seeded). */
class ClassDurationsTest {
  @Test
  void learnedStatesConvergeToTheTrueClassDistribution() {
    // True class: 0.5 s/shard with p 0.6, 1.5 s with p 0.3, 4 s with p 0.1, each with ±5 % jitter;
    // tasks of 1 to 20 shards. The window is 2 000 tasks; 5 000 are observed.
    double[] seconds = {0.5, 1.5, 4};
    double[] p = {0.6, 0.3, 0.1};
    ClassDurations learned = new ClassDurations(2_000, 3, 30, 1);
    SplittableRandom random = new SplittableRandom(42);
    for (int t = 0; t < 5_000; t++) {
      double u = random.nextDouble();
      int state = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
      int shards = 1 + random.nextInt(20);
      double perShard = seconds[state] * (0.95 + 0.1 * random.nextDouble());
      learned.record("jetson", shards, perShard * shards);
    }
    ClassDurations.States s = learned.states("jetson");
    assertThat(s.samples()).isEqualTo(2_000);
    assertThat(s.secondsPerShard()).hasSize(3);
    for (int k = 0; k < 3; k++) {
      assertThat(s.secondsPerShard()[k]).as("state %d speed", k).isCloseTo(seconds[k], within(0.05 * seconds[k]));
      assertThat(s.probability()[k]).as("state %d probability", k).isCloseTo(p[k], within(0.03));
    }
  }

  @Test
  void theWindowForgetsOldBehaviourAndAClassWithoutHistoryGetsThePrior() {
    ClassDurations learned = new ClassDurations(100, 2, 10, 2);
    for (int t = 0; t < 300; t++) {
      learned.record("phone", 1, 10); // an old, slow regime
    }
    for (int t = 0; t < 100; t++) {
      learned.record("phone", 2, t % 2 == 0 ? 1 : 3); // now 0.5 and 1.5 s per shard, equally often
    }
    ClassDurations.States s = learned.states("phone");
    assertThat(s.secondsPerShard()).containsExactly(0.5, 1.5);
    assertThat(s.probability()).containsExactly(0.5, 0.5);
    ClassDurations.States prior = learned.states("never-seen");
    assertThat(prior.samples()).isZero();
    assertThat(prior.secondsPerShard()).containsExactly(new double[] {Math.sqrt(2), 2 * Math.sqrt(2)}, within(1e-12));
    assertThat(prior.probability()).containsExactly(0.5, 0.5);
  }

  @Test
  void badObservationsAreRefusedAndChangeNothing() {
    ClassDurations learned = new ClassDurations(10, 1, 1, 1);
    assertThatThrownBy(() -> learned.record("c", 0, 1)).hasMessageContaining("shards >= 1");
    assertThatThrownBy(() -> learned.record("c", 1, -1)).hasMessageContaining("duration > 0");
    assertThatThrownBy(() -> learned.record("c", 1, Double.NaN)).hasMessageContaining("duration > 0");
    assertThat(learned.states("c").samples()).isZero();
  }
}
