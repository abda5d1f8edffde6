package io.propius.bench.med.trace;

import io.propius.bench.med.ThesisSetting;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A multi-job trace: devices in speed tiers whose state (and so speed) is drawn per task, and jobs
 * arriving over time, each with rounds of data work (shards, sizes, deadline) and the device count a
 * count-based scheduler would ask for.
 *
 * <p>Tiers (seconds per shard in the idle / busy / throttled state, and the probability of each):
 * fast 0.25 / 0.7 / 1.2 s with 0.7 / 0.2 / 0.1; mid 0.5 / 1.4 / 2.5 s with 0.5 / 0.3 / 0.2; slow
 * 1.0 / 2.5 / 5 s with 0.4 / 0.4 / 0.2. Network 2.5 MB/s. Jobs: 100-image shards (78.4 kB), models
 * of 0.33, 2.3 or 3.4 MB (the thesis's three networks), 30 to 80 shards and a 30 to 60 s deadline
 * per round, 4 rounds, asking for 6, 8 or 10 devices per round (per job) when scheduled by count.
 */
record Trace(List<Tier> tiers, int[] tierOfDevice, List<TraceJob> jobs) {
  static final double BYTES_PER_SECOND = 2.5e6;
  static final double SHARD_BYTES = 78_400;
  static final double[] MODEL_BYTES = {332_600, 2_295_640, 3_425_480};

  /** A device tier: seconds per shard in each state, and the states' probabilities. */
  record Tier(String name, double[] secondsPerShard, double[] probability) {
    int draw(SplittableRandom random) {
      return ThesisSetting.sampleState(probability, random);
    }
  }

  /** A job: when it arrives and its rounds. */
  record TraceJob(long id, double arrivalS, List<Round> rounds) {
  }

  /** One round's data work and the device count a count-based scheduler asks for. */
  record Round(int shards, double modelBytes, double deadlineS, int devices) {
  }

  static Trace generate(long seed, int devices, int jobs, double meanGapS) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Tier> tiers = List.of(
        new Tier("fast", new double[] {0.25, 0.7, 1.2}, new double[] {0.7, 0.2, 0.1}),
        new Tier("mid", new double[] {0.5, 1.4, 2.5}, new double[] {0.5, 0.3, 0.2}),
        new Tier("slow", new double[] {1.0, 2.5, 5}, new double[] {0.4, 0.4, 0.2}));
    int[] tierOf = new int[devices];
    for (int d = 0; d < devices; d++) {
      tierOf[d] = d % tiers.size();
    }
    List<TraceJob> out = new ArrayList<>();
    double t = 0;
    for (int j = 0; j < jobs; j++) {
      t += -meanGapS * Math.log(1 - random.nextDouble());
      double model = MODEL_BYTES[random.nextInt(MODEL_BYTES.length)];
      int devicesWanted = 6 + 2 * random.nextInt(3);
      List<Round> rounds = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        rounds.add(new Round(30 + 10 * random.nextInt(6), model, 30 + 10 * random.nextInt(4), devicesWanted));
      }
      out.add(new TraceJob(j + 1, t, rounds));
    }
    return new Trace(tiers, tierOf, out);
  }
}
