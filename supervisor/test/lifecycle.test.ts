import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { LIFECYCLE, Lifecycle, lifecycleDiagram } from '../src/plugin/lifecycle.js';
import type { IllegalTransition } from '../src/plugin/lifecycle.js';
import { PLUGIN_STATES } from '../src/plugin/plugin-state.js';

const DOC = new URL('../../docs/supervision.md', import.meta.url);

/** The `from --> to: event` lines of a Mermaid state diagram, sorted. */
function edges(diagram: string): string[] {
  return diagram
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^\S+ --> \S+: \S+$/.test(line))
    .sort();
}

describe('plugin lifecycle table', () => {
  it('is drawn exactly in docs/supervision.md (regenerate the block from lifecycleDiagram() when the table changes)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const block = /## Plugin lifecycle[\s\S]*?```mermaid\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const missing = edges(lifecycleDiagram()).filter((e) => !edges(block!).includes(e));
    const extra = edges(block!).filter((e) => !edges(lifecycleDiagram()).includes(e));
    if (missing.length || extra.length) {
      throw new Error(`docs/supervision.md's state diagram differs from LIFECYCLE: missing ${JSON.stringify(missing)}, not in the table ${JSON.stringify(extra)}. Replace the mermaid block with:\n${lifecycleDiagram()}`);
    }
  });

  it('has an entry for every state, leads only to known states, and lets every state stop', () => {
    expect(Object.keys(LIFECYCLE).sort()).toEqual([...PLUGIN_STATES].sort());
    for (const [state, events] of Object.entries(LIFECYCLE)) {
      for (const to of Object.values(events)) expect(PLUGIN_STATES).toContain(to);
      expect(events.stop).toBe('stopping');
      void state;
    }
  });

  it('moves only on allowed events: an illegal one is reported and leaves the state as it was', () => {
    const changes: string[] = [];
    const illegal: IllegalTransition[] = [];
    const lifecycle = new Lifecycle((state, previous) => changes.push(`${previous}->${state}`), (error) => illegal.push(error));
    lifecycle.fire('ready');
    expect(lifecycle.state).toBe('stopped');
    expect(illegal[0]?.message).toMatch(/event "ready" is not allowed in state "stopped"/);
    lifecycle.fire('start');
    lifecycle.fire('crashed');
    lifecycle.fire('crashed'); // a self-loop: no change reported
    lifecycle.fire('ready');
    expect(changes).toEqual(['stopped->starting', 'starting->restarting', 'restarting->ready']);
  });
});
