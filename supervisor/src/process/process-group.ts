// One copy of process-group signalling, shared with the SDK (protocol/src/process-group.ts).
export { signalGroup, groupExists } from '@plugd/protocol';
