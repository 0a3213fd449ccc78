import { closeAll } from "./connect-many.ts";
import { typeAndMeasure } from "./measure-level.ts";
import { openCrowd } from "./pad-crowd.ts";
import { recordServerRss, type Scenario } from "./scenario.ts";
import { sleep } from "./typist.ts";

const CLIENTS_PER_PAD = 4;
const KEYS_PER_SECOND = 2;

/** 100 and 500 pads × 4 clients, one typist per pad at 2 keys a second. */
export const manyPads: Scenario = {
  name: "many pads",
  async run(ctx) {
    const levels = ctx.quick ? [20, 100] : [100, 500];
    const durationMs = ctx.quick ? 4_000 : 10_000;
    for (const pads of levels) {
      const group = `${pads} pads × ${CLIENTS_PER_PAD} clients`;
      const crowd = await openCrowd(ctx.running, {
        pads,
        clientsPerPad: CLIENTS_PER_PAD,
        typistsPerPad: 1,
        seed: pads,
      });
      const { connect } = crowd;
      ctx.record(group, "connect→synced p50", connect.connectMs.p50, "ms", "lower");
      ctx.record(group, "connect→synced p99", connect.connectMs.p99, "ms", "lower");
      ctx.record(group, "all clients synced", connect.allSyncedMs / 1000, "s", "lower");
      recordServerRss(ctx, group, "server RSS, all connected");
      await typeAndMeasure(ctx, ctx.running, crowd, group, KEYS_PER_SECOND, durationMs);
      closeAll(connect.clients);
      await sleep(1_000);
    }
  },
};
