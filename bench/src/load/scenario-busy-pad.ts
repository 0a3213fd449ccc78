import { closeAll } from "./connect-many.ts";
import { typeAndMeasure } from "./measure-level.ts";
import { openCrowd } from "./pad-crowd.ts";
import type { Scenario } from "./scenario.ts";
import { sleep } from "./typist.ts";

const TYPISTS = 5;
const KEYS_PER_SECOND = 10;

/** One pad, 2 / 20 / 100 clients, 5 of them typing with a cursor update per key. */
export const busyPad: Scenario = {
  name: "busy pad",
  async run(ctx) {
    const levels = ctx.quick ? [2, 20] : [2, 20, 100];
    const durationMs = ctx.quick ? 3_000 : 8_000;
    for (const clients of levels) {
      const crowd = await openCrowd(ctx.running, {
        pads: 1,
        clientsPerPad: clients,
        typistsPerPad: Math.min(TYPISTS, clients),
        seed: clients,
      });
      const group = `busy pad, ${clients} clients`;
      await typeAndMeasure(ctx, ctx.running, crowd, group, KEYS_PER_SECOND, durationMs);
      closeAll(crowd.connect.clients);
      await sleep(500);
    }
  },
};
