import * as z from 'zod';
import type { ErrorId } from './error-ids.js';

/** An Observation in OpenHands' wire format. */
export const ObservationSchema = z.looseObject({
  observation: z.string().min(1),
  content: z.string(),
  extras: z.looseObject({}),
  cause: z.number().nullish(),
  success: z.boolean().optional(),
  message: z.string().optional(),
});

export type Observation = z.infer<typeof ObservationSchema>;

/** Error Observation: nothing but `error_id` in extras (OpenHands rejects unknown keys). */
export const ErrorObservationSchema = z.object({
  observation: z.literal('error'),
  content: z.string(),
  extras: z.object({ error_id: z.string() }),
  cause: z.number().nullish(),
});

export type ErrorObservation = z.infer<typeof ErrorObservationSchema>;

export function errorObservation(errorId: ErrorId | string, content: string): ErrorObservation {
  return { observation: 'error', content, extras: { error_id: errorId } };
}

export function isErrorObservation(obs: Observation): obs is Observation & ErrorObservation {
  return obs.observation === 'error';
}
