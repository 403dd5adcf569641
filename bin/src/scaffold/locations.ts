import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bin/dist/scaffold/locations.js -> bin/ */
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `plugd new` and `plugd dev` find what they copy or run, in this plugd's checkout. */
export const LOCATIONS = {
  /** The `plugd` command itself (the scaffolds' tests run it). */
  plugdBin: join(BIN, 'plugd'),
  templates: join(BIN, 'templates'),
  packSdkScript: join(BIN, '..', 'scripts', 'pack-sdk.mjs'),
  pythonSdk: join(BIN, '..', 'sdk', 'python', 'plugd_sdk.py'),
  sdkPackageJson: join(BIN, '..', 'sdk', 'package.json'),
} as const;
