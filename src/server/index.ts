export { startServeMode, type ServeMode, type ServeModeOptions } from './serve-mode.js';
export { MemoryLog } from './memory-log.js';
export type { ContractService } from './socket-session.js';
