#!/usr/bin/env python3
"""Inclusive shares of a check-in's steps in the event-loop samples of a JFR recording.

Usage: jfr print --stack-depth 128 --events jdk.ExecutionSample REC.jfr | bench/checkin/shares.py
A sample counts for a step when any frame of its stack matches the step (inclusive), so shares of
nested steps overlap and need not sum to 100 %.
"""
import sys

# (step, frames that mark it: substrings of "package.Class.method(", parent step or None). A nested
# step counts only samples that are in its parent too; "NOT handler" counts samples outside the
# check-in handler (the HTTP work the bare endpoint does as well).
STEPS = [
    ("check-in handler (all of it)", ["ClientManagerVerticle.checkin("], None),
    ("JSON parse (request body)", ["CheckinRequest.fromBuffer(", "ClientManagerVerticle.body(", "CheckinRequest.fromJson("], None),
    ("rate limiter", ["CheckinLimiter.admit("], None),
    ("window record", ["SlidingWindow.record("], None),
    ("offer selection", ["OfferSelector.select("], None),
    ("offer token signing", ["OfferToken.encode("], None),
    ("  of which HMAC", ["javax.crypto.Mac."], "offer token signing"),
    ("response: build, encode, write", ["ClientManagerVerticle.answerCheckin("], None),
    ("  of which JSON build + encode", ["CheckinAnswer.write(", "CheckinResponse.toJson(", "CheckinResponse.toBuffer(", "Json.encodeToBuffer(",
                                        "JsonObject.encode", "JsonObject.toBuffer"], "response: build, encode, write"),
    ("  of which HTTP write", ["Http1xServerResponse.end("], "response: build, encode, write"),
    ("Propius metrics", ["io.propius.server.metrics."], None),
    ("Vert.x HTTP server metrics", ["io.vertx.micrometer.impl.VertxHttpServerMetrics"], None),
    ("other Vert.x metrics", ["io.vertx.micrometer.impl.VertxNetServerMetrics", "io.vertx.micrometer.impl.VertxPool"], None),
    ("Vert.x Web router + BodyHandler outside the handler", ["io.vertx.ext.web."], "NOT handler"),
    ("request body collected (before the router, outside the handler)", ["HttpEventHandler.body(", "Http1xServerRequest.body("], "NOT handler"),
    ("Netty/Vert.x HTTP outside the handler", [""], "NOT handler"),
]


def samples(lines):
    thread, frames, in_stack = None, [], False
    for line in lines:
        s = line.strip()
        if s.startswith("sampledThread"):
            thread = s
        elif s.startswith("stackTrace = ["):
            in_stack, frames = True, []
        elif in_stack and s == "]":
            in_stack = False
            yield thread, frames
        elif in_stack:
            frames.append(s)


def main():
    total = 0
    counts = {name: 0 for name, _, _ in STEPS}
    for thread, frames in samples(sys.stdin):
        if "vert.x-eventloop-thread" not in (thread or ""):
            continue
        total += 1
        hits = {}
        for name, marks, parent in STEPS:
            hit = any(m in f for f in frames for m in marks)
            if parent == "NOT handler":
                hit = hit and not hits[STEPS[0][0]]
            elif parent is not None:
                hit = hit and hits[parent]
            hits[name] = hit
            counts[name] += hit
    if total == 0:
        sys.exit("no event-loop samples")
    print(f"{total} event-loop samples")
    for name, _, _ in STEPS:
        print(f"{100.0 * counts[name] / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
