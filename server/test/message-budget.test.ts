import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MessageBudget } from "../src/ws/message-budget.ts";

describe("MessageBudget", () => {
  it("allows the window's points, refuses the next one, and starts over a window later", () => {
    const budget = new MessageBudget(3, 1_000);
    assert.deepEqual(
      [0, 10, 20, 30].map((at) => budget.spend(1, at)),
      [true, true, true, false],
    );
    assert.equal(budget.spend(1, 999), false, "still the same window");
    assert.equal(budget.spend(1, 1_000), true, "a new window from the first message after");
  });

  it("counts an echo as a tenth, without rounding error", () => {
    const budget = new MessageBudget(2, 1_000);
    for (let echo = 0; echo < 20; echo++) assert.equal(budget.spend(0.1, echo), true);
    assert.equal(budget.spend(0.1, 21), false);
  });
});
