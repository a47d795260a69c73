/* The pool's recorded history (POOL_METRICS): what the console, the agent and index health use. */
export { MetricsRecorder, MAX_BACKOFF_LEVEL, recorderOptionsSchema, SLOW_SHARE, type MetricsRecorderOptions, type RecorderRole, type RecorderState } from './metrics-recorder.js';
export { chooseResolution, findGaps, HISTORY_SQL, historyReplacements, readHistory, readLatest } from './history.js';
export { recorderLockName, RecorderLock } from './leader-lock.js';
export { METRICS_TABLE, metricsModel, toPoint } from './metrics-model.js';
export { DEFAULT_RETENTION, pruneMetrics, PRUNE_BATCH, type Retention } from './retention.js';
export { rollUp, rollUpBucket } from './rollup.js';
export { sampleMetrics } from './sample.js';
export { ESTIMATE_SQL, estimateMetrics } from './estimate.js';
export type { HistoryGap, HistoryQuery, HistoryResult, MetricResolution, MetricsPoint } from '../../shared/results/metrics.js';
