/** The task engine's public surface (see engine.ts). */
export { TaskEngine } from './engine';
export { RequestProblem, systemClock } from './types';
export type { Clock, EngineDeps, TaskOwnership } from './types';
