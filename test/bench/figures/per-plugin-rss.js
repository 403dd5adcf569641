// Supervisor memory per extra plugin: RSS of this process (after full GCs) with 20 more
// plugins running (a second Supervisor) minus its RSS once they are stopped again,
// divided by 20. A warm-up round first, so code compiled once is not counted.
import { echoAction, echoPlugin, makeSupervisor, startEcho } from '../lib/plugd.js';
import { rssKiB, settle } from '../lib/proc.js';
import { absolute, info } from '../lib/report.js';

export const title = 'Supervisor RSS growth per extra plugin (KiB), 20 plugins';
const ROUNDS = 3;
const EXTRA = 20;

export async function run() {
  const one = await startEcho(undefined);
  for (let i = 0; i < 500; i++) await one.execute(echoAction(`warm ${i}`));
  const perPlugin = [];
  const baseRss = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const many = makeSupervisor(Array.from({ length: EXTRA }, (_, i) => echoPlugin(`echo${i}`, undefined)), { routes: { echo: 'echo0' } });
    await many.start();
    for (let i = 0; i < 100; i++) await many.execute(echoAction(`warm ${i}`));
    await settle();
    const withMany = rssKiB();
    await many.stop();
    await settle();
    const after = rssKiB();
    if (round === 0) continue; // warm-up
    perPlugin.push((withMany - after) / EXTRA);
    baseRss.push(after / 1024);
  }
  await one.stop();
  return {
    rows: [
      absolute({ metric: `RSS growth per extra plugin (${EXTRA} plugins)`, unit: 'KiB', values: perPlugin, max: 256 }),
      info({ metric: 'supervisor RSS with 1 plugin (reference)', unit: 'MiB', values: baseRss }),
    ],
  };
}
