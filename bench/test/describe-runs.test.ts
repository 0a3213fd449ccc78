import assert from "node:assert/strict";
import { test } from "node:test";
import { describeRuns } from "../src/report/markdown.ts";

test("the report names the usual run count and the scenarios that ran more", () => {
  assert.equal(describeRuns({ "busy pad": 2, scale: 3, throughput: 2 }), "2× (scale 3×)");
  assert.equal(describeRuns({ "busy pad": 1, scale: 1 }), "1×");
  assert.equal(describeRuns({ scale: 3 }), "3×");
});

test("results written before per-scenario run counts read as one count for all", () => {
  assert.equal(describeRuns(2), "2×");
});
