import { describe, expect, it } from '@jest/globals';
import type { IdempotentRule } from '@plugd/protocol';
import { unmetCondition } from '../../src/compose/condition.js';
import { diffPlugins } from '../../src/compose/config-diff.js';
import { effectiveRules, isIdempotent } from '../../src/compose/idempotency.js';
import { pickPlugin } from '../../src/compose/pick-plugin.js';
import { dependencyOrder } from '../../src/config/dependency-order.js';
import { pluginOptions } from '../fakes/options.js';

const act = (action: string, args: Record<string, unknown> = {}) => ({ action, args });

describe('idempotency rules', () => {
  const files: IdempotentRule[] = ['read', { action: 'edit', args: { command: ['view'] } }];

  it('makes read and edit view idempotent, never edit create or write', () => {
    expect(isIdempotent(files, act('read', { path: '/x' }))).toBe(true);
    expect(isIdempotent(files, act('edit', { command: 'view', path: '/x' }))).toBe(true);
    expect(isIdempotent(files, act('edit', { command: 'create', path: '/x' }))).toBe(false);
    expect(isIdempotent(files, act('edit', { path: '/x' }))).toBe(false);
    expect(isIdempotent(files, act('write', { path: '/x' }))).toBe(false);
  });

  it('lets the config add rules and remove a type whatever its rules', () => {
    const rules = effectiveRules(files, { add: ['run'], remove: ['edit'] });
    expect(isIdempotent(rules, act('run'))).toBe(true);
    expect(isIdempotent(rules, act('edit', { command: 'view' }))).toBe(false);
    expect(isIdempotent(effectiveRules(files, { add: [], remove: ['read'] }), act('read'))).toBe(false);
  });
});

describe('picking a plugin of a fallback route', () => {
  const c = (name: string, serving: boolean, refusal?: string, startable = false) => ({ name, serving, refusal, startable });

  it('takes the first that serves, else the first that may wait, else the first (its refusal answers)', () => {
    expect(pickPlugin([c('a', false), c('b', true)], new Set())?.name).toBe('b');
    expect(pickPlugin([c('a', false, 'failed'), c('b', false)], new Set())?.name).toBe('b');
    expect(pickPlugin([c('a', false, 'failed'), c('b', false, 'disabled')], new Set())?.name).toBe('a');
    expect(pickPlugin([c('a', false, undefined, true), c('b', false, 'failed')], new Set())?.name).toBe('a');
    expect(pickPlugin([c('a', true), c('b', true)], new Set(['a']))?.name).toBe('b');
    expect(pickPlugin([c('a', true)], new Set(['a']))).toBeUndefined();
  });
});

describe('dependency order', () => {
  it('puts every plugin after its dependencies and names a cycle as a path', () => {
    expect(dependencyOrder([{ name: 'app', dependsOn: ['db', 'cache'] }, { name: 'cache', dependsOn: ['db'] }, { name: 'db', dependsOn: [] }])).toEqual({ order: ['db', 'cache', 'app'] });
    expect(dependencyOrder([{ name: 'a', dependsOn: ['b'] }, { name: 'b', dependsOn: ['a'] }])).toEqual({ cycle: ['a', 'b', 'a'] });
    expect(dependencyOrder([{ name: 'self', dependsOn: ['self'] }])).toEqual({ cycle: ['self', 'self'] });
  });
});

describe('config diff and conditions', () => {
  it('sorts plugins into added, removed, changed and unchanged', () => {
    const before = [pluginOptions({ name: 'keep' }), pluginOptions({ name: 'change' }), pluginOptions({ name: 'drop' })];
    const after = [pluginOptions({ name: 'keep' }), pluginOptions({ name: 'change', env: { X: '1' } }), pluginOptions({ name: 'add' })];
    const diff = diffPlugins(before, after);
    expect({ ...diff, added: diff.added.map((p) => p.name), changed: diff.changed.map((p) => p.name) }).toEqual({ added: ['add'], removed: ['drop'], changed: ['change'], unchanged: ['keep'] });
  });

  it('says what is missing for a condition, and nothing when it holds', () => {
    expect(unmetCondition({ command: 'node' }, '/')).toBeUndefined();
    expect(unmetCondition({ command: 'no-such-program-plugd', path: '/no/such/path', env: 'PLUGD_UNSET_VAR' }, '/', {})).toBe(
      'condition not met: the program "no-such-program-plugd" is not on PATH; the path /no/such/path does not exist; the environment variable PLUGD_UNSET_VAR is not set',
    );
    expect(unmetCondition({ env: 'FLAG' }, '/', { FLAG: '1' })).toBeUndefined();
  });
});
