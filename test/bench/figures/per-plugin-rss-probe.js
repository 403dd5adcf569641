// One round of the per-plugin-rss figure, in a fresh process: RSS (after full GCs)
// with 1 plugin, then with 20 more; prints {perPluginKiB, rssMiB}.
import { echoAction, echoPlugin, makeSupervisor, startEcho } from '../lib/plugd.js';
import { rssKiB, settle } from '../lib/proc.js';

const EXTRA = Number(process.argv[2] ?? 20);
const one = await startEcho('0-1');
for (let i = 0; i < 500; i++) await one.execute(echoAction(`warm ${i}`));
await settle();
const before = rssKiB();
const many = makeSupervisor(Array.from({ length: EXTRA }, (_, i) => echoPlugin(`echo${i}`, '0-1')), { routes: { echo: 'echo0' } });
await many.start();
for (let i = 0; i < 500; i++) await many.execute(echoAction(`warm ${i}`));
await settle();
const after = rssKiB();
await Promise.all([many.stop(), one.stop()]);
process.stdout.write(JSON.stringify({ perPluginKiB: (after - before) / EXTRA, rssMiB: before / 1024 }));
process.exit(0);
