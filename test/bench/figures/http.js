// HTTP POST /execute_action round trip (plugd HTTP front + Supervisor + SDK echo plugin)
// vs a bare node:http server forwarding to baseline (1). Split placement; the client
// runs in this process, as it does for both.
import { startBareHttp } from '../baselines/http.js';
import { startJsonrpcChild } from '../baselines/jsonrpc.js';
import { interleavedLatency } from '../lib/drive.js';
import { jsonPoster } from '../lib/http-client.js';
import { echoAction, startEcho, startHttp } from '../lib/plugd.js';
import { PLACEMENTS } from '../lib/pin.js';
import { compare } from '../lib/report.js';

export const title = 'HTTP POST /execute_action round trip, p50 (µs), split placement';
const ROUNDS = 5;

export async function run() {
  const cpu = PLACEMENTS.split;
  const child = await startJsonrpcChild(cpu);
  const bareForward = await startBareHttp((body) => child.request({ action: body.action, timeoutMs: 120000 }));
  const bare = await startBareHttp();
  const supervisor = await startEcho(cpu);
  const front = await startHttp(supervisor);
  const clients = { plugd: jsonPoster(front.url, '/execute_action'), composite: jsonPoster(bareForward.url, '/execute_action'), bare: jsonPoster(bare.url, '/execute_action') };
  const r = { plugd: [], composite: [], bare: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const result = await interleavedLatency(Object.fromEntries(Object.entries(clients).map(([k, post]) => [k, (i) => post({ action: echoAction(`hello ${i}`) })])), { blocks: 10, perBlock: 100 });
    for (const k of Object.keys(r)) r[k].push(result[k].p50);
  }
  const rows = [
    compare({ metric: 'plugd HTTP execute_action p50', unit: 'µs', values: r.plugd, base: r.composite, baseline: 'bare http + (1)', max: 1.5 }),
    compare({ metric: 'bare node:http, no child (reference)', unit: 'µs', values: r.bare, base: r.composite, baseline: 'bare http + (1)' }),
  ];
  for (const post of Object.values(clients)) post.close();
  await Promise.all([front.close(), bare.close(), bareForward.close(), supervisor.stop()]);
  await child.close();
  return { rows };
}
