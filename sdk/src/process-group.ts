// One copy of process-group signalling, shared with the supervisor (protocol/src/process-group.ts).
export { signalGroup } from '@plugd/protocol';
