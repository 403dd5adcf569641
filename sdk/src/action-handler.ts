import type { z } from 'zod';
import type { ActionHandler } from './types.js';

/** Typed helper so `run` gets the args type inferred from its schema. */
export function defineAction<S extends z.ZodType>(handler: ActionHandler<S>): ActionHandler<S> {
  return handler;
}
