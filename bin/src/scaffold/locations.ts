import { join } from 'node:path';
import { checkoutRoot } from '@plugd/supervisor';

/** bin/ of this checkout, from tsc's output (bin/dist/scaffold/) or the bundle (bin/dist/bundle/). */
const BIN = join(checkoutRoot(), 'bin');

/** Where `plugd new` and `plugd dev` find what they copy or run, in this plugd's checkout. */
export const LOCATIONS = {
  /** The `plugd` command itself (the scaffolds' tests run it). */
  plugdBin: join(BIN, 'plugd'),
  templates: join(BIN, 'templates'),
  packSdkScript: join(BIN, '..', 'scripts', 'pack-sdk.mjs'),
  pythonSdk: join(BIN, '..', 'sdk', 'python', 'plugd_sdk.py'),
  sdkPackageJson: join(BIN, '..', 'sdk', 'package.json'),
} as const;
