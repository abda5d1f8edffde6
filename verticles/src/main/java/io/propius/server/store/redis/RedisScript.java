package io.propius.server.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One Lua script of the store, read from the class path, with the SHA-1 Redis knows it by. */
enum RedisScript {
  REGISTER("register.lua"),
  UPDATE("update.lua"),
  RESERVE("reserve.lua"),
  CLAIM_OFFERS("claim-offers.lua"),
  CLAIM_ROUND_PLAN("claim-round-plan.lua"),
  CONFIRM("confirm.lua"),
  EXPIRE_LEASES("expire-leases.lua"),
  PURGE_ENDED("purge-ended.lua"),
  SET_SCORES("set-scores.lua"),
  SCHEDULER_LEASE("scheduler-lease.lua"),
  SCHEDULER_RELEASE("scheduler-release.lua");

  final String source;
  final String sha;

  RedisScript(String file) {
    try (InputStream in = RedisScript.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + file);
      }
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot read script " + file, e);
    }
  }
}
