export { PoolWorker, DEFAULT_HEARTBEAT_MS, type PoolWorkerOptions, type ClaimOutcome, type WorkerCounts } from './pool-worker.js';
export { listWorkers, judgeWorker, workerLeasesSql, ALIVE_INTERVALS, DEAD_INTERVALS, WORKER_LIST_BOUND, type WorkerInfo, type WorkerList, type WorkerState } from './worker-list.js';
export { releaseWorkerLeases, OWNER_LEASE_IDS_SQL, type ReleaseLeasesInput, type LeaseRelease, type LeaseReleasePreview } from './release-leases.js';
export { WORKERS_TABLE } from './worker-model.js';
