// Runs one figure module in this (pinned) process and writes its result as JSON.
// Usage: taskset -c 0 node --expose-gc figure-runner.js <figure file> <out.json>
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ownAffinity } from './lib/pin.js';

const [file, out] = process.argv.slice(2);
const began = performance.now();
const figure = await import(pathToFileURL(file).href);
const result = await figure.run();
writeFileSync(out, JSON.stringify({ title: figure.title, affinity: ownAffinity(), seconds: (performance.now() - began) / 1000, ...result }));
process.exit(0);
