import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../usage-error.js';
import { LOCATIONS } from './locations.js';

/**
 * The `@plugd/sdk` range a new TypeScript project depends on:
 * - `vendor` (default): this plugd's SDK packed into `<project>/vendor/` (works with no
 *   registry package and no plugd checkout beside the project);
 * - `registry`: `^<version>` from the npm registry;
 * - a path to a packed `.tgz` (or a folder holding a packable SDK): `file:<absolute path>`.
 */
export async function sdkDependency(spec: string | undefined, projectDir: string): Promise<string> {
  if (spec === 'registry') return `^${sdkVersion()}`;
  if (spec === undefined || spec === 'vendor') {
    const { packSdk } = (await import(pathToFileURL(LOCATIONS.packSdkScript).href)) as { packSdk: (outDir: string) => string };
    const tarball = packSdk(join(projectDir, 'vendor'));
    return `file:vendor/${basename(tarball)}`;
  }
  const path = resolve(spec);
  if (!existsSync(path)) throw new UsageError(`--sdk ${spec}: no such file or folder; give "vendor", "registry" or a path to a packed @plugd/sdk (.tgz)`);
  if (statSync(path).isDirectory() && !existsSync(join(path, 'package.json'))) throw new UsageError(`--sdk ${spec}: that folder has no package.json; give a packed @plugd/sdk (.tgz)`);
  return `file:${path}`;
}

function sdkVersion(): string {
  try {
    return (JSON.parse(readFileSync(LOCATIONS.sdkPackageJson, 'utf8')) as { version: string }).version;
  } catch {
    return '0.1.0';
  }
}
