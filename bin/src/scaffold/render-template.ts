import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies a template folder, replacing `{{key}}` in file contents and names. A file named
 * `gitignore` becomes `.gitignore` (kept dot-less in the repo so no tool treats it as ours).
 */
export function renderTemplate(from: string, to: string, values: Readonly<Record<string, string>>): string[] {
  const written: string[] = [];
  const fill = (text: string): string => text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
  const walk = (src: string, dest: string): void => {
    mkdirSync(dest, { recursive: true });
    for (const entry of readdirSync(src).sort()) {
      const source = join(src, entry);
      const name = entry === 'gitignore' ? '.gitignore' : fill(entry);
      const target = join(dest, name);
      if (statSync(source).isDirectory()) {
        walk(source, target);
        continue;
      }
      writeFileSync(target, fill(readFileSync(source, 'utf8')));
      if (/\.(py|sh)$/.test(name) || name === 'index.ts') chmodSync(target, 0o755);
      written.push(target);
    }
  };
  walk(from, to);
  return written;
}
