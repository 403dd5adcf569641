// Baseline (3): a bare Node child (`node -e 0`), spawn to exit: the cost of starting Node at all.
import { spawn } from 'node:child_process';
import { pinned } from '../lib/pin.js';

export function bareNodeMs(cpu) {
  const began = performance.now();
  const [file, ...args] = pinned(cpu, [process.execPath, '-e', '0']);
  const child = spawn(file, args, { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - began));
  });
}
