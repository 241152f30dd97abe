/** Provider emulator for Pixapi, PixAI and Apixo plus their result CDN. See README.md. */
export { ProviderEmulator } from './server';
export type {
  EmulatedTask,
  EmulatorOptions,
  Endpoint,
  FaultAction,
  FaultRule,
  MediaKind,
  Origin,
  ProviderName,
  RecordedRequest,
  TaskPhase,
  Timing,
} from './types';
export { EmulatorClient } from './client';
