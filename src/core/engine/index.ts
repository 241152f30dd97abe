/** The task engine's public surface (see engine.ts). */
export { TaskEngine } from './engine';
export { budgetWaitFor, MemoryRequestLog } from './requestLog';
export type { RequestLog, RequestLogView } from './requestLog';
export { RequestProblem, systemClock } from './types';
export type { Clock, EngineDeps, TaskOwnership } from './types';
