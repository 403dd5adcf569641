/** Assertions on the exact Observation shapes OpenHands' deserializer accepts, shared by the plugin and wire-compat tests. */
import { expect } from '@jest/globals';
import type { ObservationLike } from './plugin-client.js';

/** The keys of a CmdOutputObservation's `extras.metadata`, sorted. */
export const CMD_METADATA_KEYS = ['exit_code', 'hostname', 'pid', 'prefix', 'py_interpreter_path', 'suffix', 'username', 'working_dir'];

/**
 * Asserts `obs` is the CmdOutputObservation of `command` exiting 0 in `workingDir` with
 * output `content`: observation `run`, success, the OpenHands message, exactly the extras
 * and metadata keys OpenHands expects. Returns `extras.metadata` for further checks.
 */
export function expectCmdRunOk(obs: ObservationLike, command: string, content: string, workingDir: string): Record<string, any> {
  expect(obs.observation).toBe('run');
  expect(obs.content).toBe(content);
  expect(obs.success).toBe(true);
  expect(obs.message).toBe(`Command \`${command}\` executed with exit code 0.`);
  expect(Object.keys(obs.extras).sort()).toEqual(['command', 'hidden', 'metadata']);
  expect(obs.extras['command']).toBe(command);
  expect(obs.extras['hidden']).toBe(false);
  const md = obs.extras['metadata'];
  expect(Object.keys(md).sort()).toEqual(CMD_METADATA_KEYS);
  expect(md.exit_code).toBe(0);
  expect(Number.isInteger(md.pid)).toBe(true);
  expect(md.working_dir).toBe(workingDir);
  return md;
}
