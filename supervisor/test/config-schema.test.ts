/** supervisor/plugd.schema.json (committed, for editors) is what the script generates from the zod schema. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const SUPERVISOR = fileURLToPath(new URL('../', import.meta.url));

describe('plugd.schema.json', () => {
  it('matches what scripts/write-schema.mjs generates (run it after changing config/schema.ts)', () => {
    const generated = execFileSync(process.execPath, [`${SUPERVISOR}scripts/write-schema.mjs`, '--stdout'], { encoding: 'utf8' });
    const committed = readFileSync(`${SUPERVISOR}plugd.schema.json`, 'utf8');
    expect(committed).toBe(generated);
  });

  it('describes plugd.json: plugins required, unknown keys refused', () => {
    const schema = JSON.parse(readFileSync(`${SUPERVISOR}plugd.schema.json`, 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['plugins']);
    expect(schema.additionalProperties).toBe(false);
    const plugin = schema.properties.plugins.items;
    expect(plugin.required).toEqual(['name']);
    expect(plugin.properties.restart.properties.maxDelayMs.type).toBe('integer');
  });
});
