import * as z from 'zod';
import {
  CancelParamsSchema,
  EmptySchema,
  InitializeParamsSchema,
  InitializeResultSchema,
  InitializedParamsSchema,
  LogParamsSchema,
  ProcessGroupParamsSchema,
  ProgressParamsSchema,
  RunParamsSchema,
  RunResultSchema,
} from './messages.js';
import { ExecuteParamsSchema, ExecuteResultSchema } from './composition.js';

/** Who sends a message: `toPlugin` (supervisor -> plugin) or `toSupervisor`. */
export type Direction = 'toPlugin' | 'toSupervisor';

export interface RequestDescriptor<P extends z.ZodType, R extends z.ZodType> {
  readonly kind: 'request';
  readonly method: string;
  readonly direction: Direction;
  readonly params: P;
  readonly result: R;
}

export interface NotificationDescriptor<P extends z.ZodType> {
  readonly kind: 'notification';
  readonly method: string;
  readonly direction: Direction;
  readonly params: P;
}

const request = <P extends z.ZodType, R extends z.ZodType>(method: string, direction: Direction, params: P, result: R): RequestDescriptor<P, R> =>
  ({ kind: 'request', method, direction, params, result });
const notification = <P extends z.ZodType>(method: string, direction: Direction, params: P): NotificationDescriptor<P> =>
  ({ kind: 'notification', method, direction, params });

/** Every message of wire protocol v1, used by both ends. */
export const Methods = {
  initialize: request('initialize', 'toPlugin', InitializeParamsSchema, InitializeResultSchema),
  initialized: notification('initialized', 'toPlugin', InitializedParamsSchema),
  run: request('run', 'toPlugin', RunParamsSchema, RunResultSchema),
  cancelRequest: notification('$/cancelRequest', 'toPlugin', CancelParamsSchema),
  ping: request('$/ping', 'toPlugin', EmptySchema, EmptySchema),
  shutdown: request('shutdown', 'toPlugin', EmptySchema, z.null()),
  exit: notification('exit', 'toPlugin', EmptySchema),
  progress: notification('plugd/progress', 'toSupervisor', ProgressParamsSchema),
  log: notification('plugd/log', 'toSupervisor', LogParamsSchema),
  processGroup: notification('plugd/processGroup', 'toSupervisor', ProcessGroupParamsSchema),
  execute: request('plugd/execute', 'toSupervisor', ExecuteParamsSchema, ExecuteResultSchema),
} as const;

export type MethodName = (typeof Methods)[keyof typeof Methods]['method'];
