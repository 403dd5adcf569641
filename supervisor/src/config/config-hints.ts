/**
 * An example of a right value for a config key, appended to schema errors so each
 * message says how to fix it. Keyed by the last key of the JSON path.
 */
const EXAMPLES: Readonly<Record<string, string>> = {
  plugins: '"plugins": [{"name": "echo"}, {"name": "my-tool", "command": ["node", "./my-tool/dist/index.js"]}]',
  command: '"command": ["node", "./my-tool/dist/index.js"]',
  env: '"env": {"MY_VAR": "1"}',
  config: '"config": {"key": "value"}',
  watch: '"watch": ["./my-tool/dist"] or true',
  routes: '"routes": {"read": "files"}',
  server: '"server": {"host": "127.0.0.1", "port": 8765}',
  restart: '"restart": {"initialDelayMs": 100, "maxDelayMs": 30000, "maxRestarts": 5, "windowMs": 60000}',
  timeouts: '"timeouts": {"initMs": 10000, "actionMs": 120000, "shutdownMs": 3000}',
  trace: '"trace": "off" (or "messages", "verbose")',
  name: '"name": "my-tool"',
  package: '"package": "@my-scope/plugd-plugin-my-tool"',
  port: '"port": 8765',
  host: '"host": "127.0.0.1"',
};

export function exampleFor(path: readonly PropertyKey[]): string | undefined {
  const key = [...path].reverse().find((k): k is string => typeof k === 'string');
  if (key === undefined) return undefined;
  if (key in EXAMPLES) return EXAMPLES[key];
  if (/Ms$/.test(key)) return `"${key}": 1000 (milliseconds)`;
  return undefined;
}
