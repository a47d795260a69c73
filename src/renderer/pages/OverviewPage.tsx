import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { StatsSample } from '../../shared/contract';
import { ERROR_CODES, type ErrorCode } from '../../shared/errors';
import { AlertBanner } from './overview/AlertBanner';
import { plural } from '../../shared/plural';
import { useApi } from '../api/api-context';
import { useStream } from '../api/hooks';
import { useConnection } from '../app/connection-context';
import type { PageProps } from '../app/pages';
import { ErrorNotice } from '../components/ErrorNotice';
import { readChartColors } from './overview/chart-colors';
import { DeadlineRisk } from './overview/DeadlineRisk';
import { chartsPng, downloadBlob, jsonBlob } from './overview/export-snapshot';
import { fileStamp, formatClock, formatDuration } from '../../shared/format';
import { HealthBanner, useHealth } from './overview/HealthBanner';
import { HistoryPanel } from './overview/HistoryPanel';
import { PauseBanner } from './overview/PauseBanner';
import { liveLabel } from './overview/live-label';
import type { LivePoint } from './overview/live-points';
import { latestOk, LiveSeries, REQUESTED_INTERVAL_MS } from './overview/live-series';
import { OverviewCharts } from './overview/OverviewCharts';
import { buildSnapshot } from './overview/snapshot';
import { drainProjection, tileValues, windowView, WINDOWS, type WindowId } from './overview/overview-model';
import { Tiles } from './overview/Tiles';
import { UnavailableFigures } from './overview/UnavailableFigures';
import { ReadSourceNote } from '../components/ReadSourceNote';

function errorOf(sample: Extract<StatsSample, { kind: 'error' }>) {
  const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(sample.error.code) ? (sample.error.code as ErrorCode) : 'INTERNAL';
  return { code, message: sample.error.message };
}

/**
 * The incident view: is the pool draining, what is stuck, what will miss its deadline, what to
 * click. The charts start from the back's last hour (stats.recent) and append the live samples
 * (stats.live); pausing freezes what is shown while the samples keep coming in.
 */
export function OverviewPage({ navigate }: PageProps) {
  const api = useApi();
  const { state: connection } = useConnection();
  const connectionKey = `${connection?.profileName ?? ''}|${connection?.host ?? ''}|${connection?.database ?? ''}`;
  // A new connection starts a new series: the charts must not join two pools' figures.
  const [held, setHeld] = useState(() => ({ key: connectionKey, series: new LiveSeries() }));
  if (held.key !== connectionKey) setHeld({ key: connectionKey, series: new LiveSeries() });
  const series = held.series;
  // Until the connection is known, samples could not be told apart from another database's.
  const known = connection !== null;
  useStream('stats.live', { intervalMs: REQUESTED_INTERVAL_MS }, (sample) => series.add(sample), known);
  // The back's last hour, once per series (not kept after the page closes: the next one asks afresh).
  const recent = useQuery({
    queryKey: ['stats.recent', {}, connectionKey] as const,
    queryFn: ({ signal }) => api.call('stats.recent', {}, signal),
    enabled: known,
    staleTime: Infinity,
    gcTime: 0,
  });
  useEffect(() => {
    if (recent.data) series.seed(recent.data);
  }, [series, recent.data]);
  const version = useSyncExternalStore(series.subscribe, series.getVersion);

  const [windowId, setWindowId] = useState<WindowId>('5m');
  const windowMs = WINDOWS.find((option) => option.id === windowId)!.ms;
  const [frozen, setFrozen] = useState<{ points: LivePoint[]; version: number; at: number } | null>(null);
  // `series.points` changes in place: the points as of a version are what the memos depend on.
  const shownVersion = frozen ? frozen.version : version;
  const shownPoints = frozen ? frozen.points : series.points;
  const shown = useMemo(() => ({ points: shownPoints, version: shownVersion }), [shownPoints, shownVersion]);
  const view = useMemo(() => windowView(shown.points, windowMs), [shown, windowMs]);
  const { latest, tiles } = useMemo(() => tileValues(shown.points), [shown]);
  const projection = useMemo(() => drainProjection(shown.points), [shown]);
  const colors = useMemo(() => readChartColors(), []);
  // The live tail of the history charts: refreshed every 10 s (their finest resolution), not on every sample.
  const newestAt = series.points.at(-1)?.t ?? 0;
  const tailStep = Math.floor(newestAt / 10_000);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- series.points changes in place; tailStep says when
  const tailSamples = useMemo(() => series.points.flatMap((point) => (point.sample ? [point.sample] : [])), [series, tailStep]);

  const health = useHealth();
  const chartsRef = useRef<HTMLDivElement>(null);
  const [exportMessage, setExportMessage] = useState<{ ok: boolean; text: string } | null>(null);

  // The newest sample, paused or not: a failing database is news even in a frozen view.
  const newest = series.points.at(-1)?.sample ?? null;
  const failing = newest?.kind === 'error' ? newest : null;
  const lastGood = latestOk(series.points);
  const backoff = lastGood?.sample.backoff ?? null;

  const togglePause = () => {
    const at = Date.now();
    setFrozen((current) => (current ? null : { points: series.points.slice(), version: series.version, at: series.points.at(-1)?.t ?? at }));
  };

  const exportSnapshot = async () => {
    const now = Date.now();
    const base = `pool-overview-${connection?.database ?? 'pool'}-${fileStamp(now)}`;
    const snapshot = buildSnapshot({ now, connection, windowLabel: WINDOWS.find((option) => option.id === windowId)!.label, paused: frozen !== null, view, latest, tiles, projection, health: health.data ?? null });
    downloadBlob(jsonBlob(snapshot), `${base}.json`);
    const heading = `Pool Console · ${connection?.database ?? ''} @ ${connection?.host ?? ''} · ${new Date(now).toLocaleString()}`;
    try {
      if (!chartsRef.current) throw new Error('the charts are not on screen');
      downloadBlob(await chartsPng(chartsRef.current, heading, colors), `${base}.png`);
      setExportMessage({ ok: true, text: `Exported ${base}.json (${plural(snapshot.samples.length, 'sample')}) and ${base}.png.` });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      setExportMessage({ ok: false, text: `Exported ${base}.json; the PNG of the charts failed: ${reason}.` });
    }
  };

  return (
    <div className="overview">
      <HealthBanner health={health} />
      <PauseBanner />
      <AlertBanner navigate={navigate} />
      <div className="overview-toolbar">
        <div className="segmented" role="group" aria-label="Window">
          {WINDOWS.map((option) => (
            <button key={option.id} type="button" aria-pressed={option.id === windowId} onClick={() => setWindowId(option.id)}>
              {option.label}
            </button>
          ))}
        </div>
        <button type="button" aria-pressed={frozen !== null} onClick={togglePause}>
          {frozen ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={() => void exportSnapshot()} disabled={!latest}>
          Export snapshot
        </button>
        <span className="muted overview-live" data-testid="live-status">
          {liveLabel({
            paused: frozen ? { at: frozen.at, newSamples: series.version - frozen.version } : null,
            failing,
            lastGood: lastGood
              ? { t: lastGood.t, durationMs: lastGood.sample.durationMs, recordedAt: lastGood.sample.recordedAt.getTime(), recorder: lastGood.sample.recorder, exact: lastGood.sample.exact }
              : null,
            database: connection?.database,
            connected: connection !== null,
          })}
          {backoff ? ` · ${backoff.reason}` : ''}
        </span>
        <ReadSourceNote source={latest?.stats.source} what="live figures" />
      </div>
      {failing ? (
        <ErrorNotice
          error={errorOf(failing)}
          title={`No live numbers: the last sample at ${formatClock(failing.at.getTime())} failed (connection ${failing.connection})${lastGood ? `; figures below are from ${formatClock(lastGood.t)}` : ''}`}
        />
      ) : null}
      {exportMessage ? (
        <div className={exportMessage.ok ? 'notice notice-ok' : 'notice notice-error'} role="status">
          {exportMessage.text}
        </div>
      ) : null}
      <UnavailableFigures figures={latest?.stats.unavailable ?? []} />
      <Tiles tiles={tiles} stale={failing && lastGood ? `from ${formatClock(lastGood.t)}, ${formatDuration((failing.at.getTime() - lastGood.t) / 1000)} old` : null} navigate={navigate} />
      {known ? <HistoryPanel key={connectionKey} samples={tailSamples} colors={colors} /> : null}
      <div className="overview-grid" ref={chartsRef}>
        <OverviewCharts view={view} colors={colors} />
        <DeadlineRisk stats={latest?.stats ?? null} projection={projection} />
      </div>
    </div>
  );
}
