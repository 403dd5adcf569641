#!/usr/bin/env node
// Writes supervisor/plugd.schema.json: the JSON Schema of plugd.json for editors,
// generated from the zod schema (supervisor/src/config/schema.ts; run after the build).
// Point a config at it with "$schema": "./supervisor/plugd.schema.json".
//   node supervisor/scripts/write-schema.mjs           write the file
//   node supervisor/scripts/write-schema.mjs --stdout  print it instead
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PlugdConfigFileSchema } from '../dist/config/schema.js';

const OUT = fileURLToPath(new URL('../plugd.schema.json', import.meta.url));

function configJsonSchema() {
  const schema = z.toJSONSchema(PlugdConfigFileSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'plugd.json',
    description: 'Configuration of plugd, the process-isolated plugin supervisor (see DESIGN.md "Config").',
  };
}

const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
if (process.argv.includes('--stdout')) process.stdout.write(text);
else {
  writeFileSync(OUT, text);
  process.stderr.write(`wrote ${OUT}\n`);
}
