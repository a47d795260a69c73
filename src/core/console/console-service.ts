import { EventEmitter } from 'node:events';
import {
  isOperationName, isStreamName, OPERATIONS, STREAMS,
  type AppInfo, type ConnectionState, type LogLine, type ProgressEvent, type StatsSample, type StreamEvent, type StreamName,
} from '../../shared/contract.js';
import type { LatencySummary } from '../../shared/results/latency.js';
import { PoolError } from '../../shared/errors.js';
import type { Reply } from '../../shared/wire.js';
import { defaultActor } from '../audit/audit-log.js';
import { classifyError } from '../db/classify-error.js';
import { ConnectionSession } from './connection-session.js';
import type { LiveSample } from './live-sample.js';
import type { LiveFigures } from './recorded-figures.js';
import { LiveSampler } from './live-sampler.js';
import { HANDLERS, type HandlerContext } from './handlers.js';
import type { ProfileStore } from './profile-store.js';
import type { SandboxLauncher } from './sandbox-launcher.js';

type SampleBody = LiveFigures & { latency: LatencySummary[] };

export interface ConsoleServiceOptions {
  profiles: ProfileStore;
  sandbox: SandboxLauncher | null;
  info: Omit<AppInfo, 'passwordEncryption'>;
  logs: { recent(limit: number): LogLine[] };
  actor?: string;
  /** Where a refused or failed call is noted (electron-log in the desktop app). */
  onError?: (operation: string, error: PoolError) => void;
  /**
   * Whether each connection runs a history recorder: by default every console does but a one-shot
   * command-line call (shell 'cli'). Its interval: POOL_RECORDER_INTERVAL_MS in `env` (process.env).
   */
  record?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * The console's back, whatever carries it (IPC, socket): validates every input against the
 * contract, refuses writes on read-only profiles, runs the handler, and answers with a reply
 * envelope that never carries a stack or a password.
 */
export class ConsoleService {
  readonly session: ConnectionSession;
  private readonly events = new EventEmitter();
  private readonly context: HandlerContext;
  private readonly sampler: LiveSampler<SampleBody, ConnectionState['status']>;

  constructor(private readonly options: ConsoleServiceOptions) {
    this.events.setMaxListeners(100);
    this.session = new ConnectionSession({ record: options.record ?? options.info.shell !== 'cli', ...(options.env ? { env: options.env } : {}) });
    this.context = {
      session: this.session,
      profiles: options.profiles,
      sandbox: options.sandbox,
      info: { ...options.info, passwordEncryption: options.profiles.encryptionAvailable },
      logs: options.logs,
      progress: (event) => this.events.emit('progress', event),
      actor: options.actor ?? defaultActor(),
      // the ring without each sample's raw latency timings: an hour of those is tens of MB
      recentSamples: () => this.sampler.history().map((sample) => toStatsSample(sample, { rawTimings: false })),
    };
    this.sampler = new LiveSampler({
      // The recorder's newest row, not a count of its own: N open consoles cost about what one does.
      // The latency chart shows this console's reads (the row read among them) as it sees them.
      sample: async () => ({ ...(await this.session.require().figures.read()), latency: this.session.latency.summary() }),
      connectionState: async (error) => {
        const failure = classifyError(error);
        let live = this.session.liveness();
        // the read failed in a way a dead, silent or dropped database would: ask the heartbeat afresh
        if (live.status === 'connected' && CONFIRM_CODES.has(failure.code)) live = await this.session.confirmLiveness();
        return sampleConnection(failure, live.status, this.session.state.status);
      },
      overdue: (inFlightSince) => {
        const live = this.session.liveness();
        if (live.status !== 'connected') {
          return { error: { code: live.code ?? 'UNREACHABLE', message: live.message ?? `The database is ${live.status}.` }, connection: live.status, stalled: true };
        }
        // between samples (a backoff), or too soon to tell a slow read from a silent server
        // "slow" needs an answer after the read began and a fresh one (the last two beats): else ask again shortly
        const now = Date.now();
        if (inFlightSince === null || !this.session.answeredSince(Math.max(inFlightSince, now - 500))) return null;
        // the server answers its heartbeat: this read is slow (load, a lock), not a dead server
        const seconds = ((now - inFlightSince) / 1000).toFixed(1);
        return {
          error: { code: 'TIMEOUT', message: `The live sample has been running for ${seconds} s; the server still answers its heartbeat, so it is slow or waiting on a lock, not down.` },
          connection: 'connected',
          stalled: false,
        };
      },
    });
    // A new database starts a new history: the charts must not join two pools' figures.
    this.session.onSwitch(() => this.sampler.clearHistory());
  }

  /** `signal` is the caller's cancel (the endpoint's per-call AbortController); handlers get it as `context.signal`. */
  async dispatch(name: unknown, input: unknown, options: { signal?: AbortSignal } = {}): Promise<Reply<unknown>> {
    const operation = typeof name === 'string' ? name.slice(0, 80) : String(typeof name);
    try {
      if (!isOperationName(name)) throw new PoolError('INVALID_INPUT', `Unknown operation '${operation}'.`);
      const spec = OPERATIONS[name];
      const parsed = spec.input.safeParse(input ?? {});
      if (!parsed.success) throw classifyError(parsed.error);
      if (spec.writes) this.session.assertWritable(name);
      const { signal } = options;
      if (signal?.aborted) throw new PoolError('CANCELLED', `The call '${name}' was cancelled before it started.`);
      const handler = HANDLERS[name] as (input: unknown, context: HandlerContext) => Promise<unknown>;
      const result = await handler(parsed.data, signal ? { ...this.context, signal } : this.context);
      return { ok: true, result };
    } catch (error) {
      const failure = classifyError(error, this.session.state.connected ? this.session.require().db.target : {});
      this.options.onError?.(operation, failure);
      return { ok: false, error: failure.toEnvelope() };
    }
  }

  /** Subscribes to a stream; throws INVALID_INPUT for an unknown stream or bad parameters. */
  subscribe<S extends StreamName>(stream: S | string, params: unknown, listener: (event: StreamEvent<S>) => void): () => void {
    if (!isStreamName(stream)) throw new PoolError('INVALID_INPUT', `Unknown stream '${String(stream).slice(0, 80)}'.`);
    const parsed = STREAMS[stream].params.safeParse(params ?? {});
    if (!parsed.success) throw classifyError(parsed.error);
    if (stream === 'progress') {
      const forward = (event: ProgressEvent) => listener(event as StreamEvent<S>);
      this.events.on('progress', forward);
      return () => this.events.off('progress', forward);
    }
    const { intervalMs } = parsed.data as { intervalMs: number };
    return this.sampler.subscribe(intervalMs, (sample) => listener(toStatsSample(sample) as StreamEvent<S>));
  }


  async close(): Promise<void> {
    this.events.removeAllListeners();
    await this.session.disconnect();
    await this.options.sandbox?.close();
  }
}


/** A sampler's sample as the contract sends it; without `rawTimings`, each latency summary's raw timings are left out. */
function toStatsSample(sample: LiveSample<SampleBody, ConnectionState['status']>, { rawTimings = true } = {}): StatsSample {
  if (sample.kind === 'error') return { kind: 'error', at: sample.at, error: sample.error, connection: sample.connection };
  const { stats, latency, recordedAt, recorder, exact } = sample.body;
  return {
    kind: 'ok', at: sample.at, durationMs: sample.durationMs, stats, recordedAt, recorder, exact,
    latency: rawTimings ? latency : latency.map((summary) => ({ ...summary, last: [] })),
    backoff: sample.backoff ? { effectiveIntervalMs: sample.backoff.effectiveIntervalMs, reason: sample.backoff.reason } : null,
  };
}

/** Failures that may mean the database is gone rather than a bad read. */
const CONFIRM_CODES = new Set(['UNREACHABLE', 'NO_DATABASE', 'NO_TABLE', 'TIMEOUT']);

/**
 * The connection state an error sample carries: the heartbeat's, unless the failure itself proves
 * more than the heartbeat has seen yet (it beats every half second): never "connected" beside an
 * error that says the server is unreachable, silent or without the database.
 */
function sampleConnection(error: PoolError, live: ConnectionState['status'], session: ConnectionState['status']): ConnectionState['status'] {
  if (session === 'disconnected' || session === 'connecting') return session;
  if (live !== 'connected') return live;
  if (error.code === 'UNREACHABLE') return 'lost';
  if (error.code === 'NO_DATABASE') return 'database-missing';
  return live;
}
