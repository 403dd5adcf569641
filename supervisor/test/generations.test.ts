import { describe, expect, it } from '@jest/globals';
import { Generations } from '../src/plugin/generations.js';
import type { PluginProcess } from '../src/process/plugin-process.js';

describe('Generations', () => {
  const proc = (generation: number) => ({ generation }) as unknown as PluginProcess;

  it('promotes a new generation and drains the one it replaces; forgets exited ones', () => {
    const gens = new Generations();
    const one = proc(gens.next());
    const two = proc(gens.next());
    expect(gens.promote(one)).toBeUndefined();
    expect(gens.promote(two)).toBe(one);
    expect(gens.isDraining(one)).toBe(true);
    expect(gens.all()).toEqual([one, two]);
    expect(gens.forget(one)).toBe(false);
    expect(gens.all()).toEqual([two]);
    expect(gens.forget(two)).toBe(true);
    expect(gens.current).toBeUndefined();
    expect(gens.latest).toBe(2);
  });
});
