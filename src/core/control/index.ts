export { pause, resume, pauseState, isPausedIn, type PauseInput, type ResumeInput, type PauseChange, type PauseInfo, type PauseScope, type PauseState } from './pool-control.js';
export { PoolPausedError, isPoolPaused } from './paused-error.js';
export { CLAIM_GATE_SQL, PAUSE_IN_FORCE } from './claim-gate.js';
export { CONTROL_TABLE } from './control-model.js';
