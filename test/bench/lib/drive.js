// Load drivers: sequential latency and closed-loop throughput over any `send()`.
import { percentile, sortNum } from './stats.js';

/** `count` sequential round trips after `warmup`; latencies in µs (p50, p99). */
export async function sequential(send, count, warmup = 200) {
  for (let i = 0; i < warmup; i++) await send(i);
  const us = new Array(count);
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await send(i);
    us[i] = (performance.now() - t) * 1000;
  }
  const s = sortNum(us);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
}

/**
 * Keeps `concurrency` requests in flight for `ms` milliseconds (time-bounded, so a loaded
 * machine makes the suite noisier, not longer); completed requests per second.
 */
export async function closedLoop(send, concurrency, ms) {
  let issued = 0;
  let done = 0;
  const began = performance.now();
  const until = began + ms;
  const worker = async () => {
    while (performance.now() < until) {
      issued += 1;
      await send(issued);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - began) / 1000);
}

/**
 * One round of sequential latency for several systems, interleaved finely
 * (A B C A B C ..., `blocks` blocks of `perBlock` each) so that a burst of load from
 * elsewhere on the machine hits every system alike. Returns {name: {p50, p99}} in µs.
 */
export async function interleavedLatency(systems, { blocks = 10, perBlock = 150, warmup = 100, maxMs = 1500 } = {}) {
  const until = performance.now() + maxMs; // at least 2 blocks, then stop at maxMs
  const samples = {};
  for (const [name, send] of Object.entries(systems)) {
    samples[name] = [];
    for (let i = 0; i < warmup; i++) await send(i);
  }
  for (let b = 0; b < blocks && (b < 2 || performance.now() < until); b++) {
    for (const [name, send] of Object.entries(systems)) {
      const out = samples[name];
      for (let i = 0; i < perBlock; i++) {
        const t = performance.now();
        await send(i);
        out.push((performance.now() - t) * 1000);
      }
    }
  }
  const result = {};
  for (const [name, us] of Object.entries(samples)) {
    const s = sortNum(us);
    result[name] = { p50: percentile(s, 50), p99: percentile(s, 99) };
  }
  return result;
}
