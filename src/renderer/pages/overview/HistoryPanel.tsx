import { useCallback, useMemo, useState } from 'react';
import type { StatsSample } from '../../../shared/contract';
import { formatDuration, formatUtc } from '../../../shared/format';
import { plural } from '../../../shared/plural';
import { useCall } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useAlertOverview } from '../../app/use-alert-watch';
import { alertMarkers } from './alert-markers';
import { auditMarkers } from './audit-markers';
import type { ChartColors } from './chart-colors';
import { byTime, type ChartMarker } from './chart-markers';
import { HistoryChart, type HistorySeries } from './HistoryChart';
import { endsNow, fromLocalInput, HISTORY_RANGES, presetRange, rangeBounds, toLocalInput, DEFAULT_RANGE, type HistoryRange, type PresetId } from './history-range';
import { estimateRuns, historyRows } from './history-rows';
import { ReadSourceNote } from '../../components/ReadSourceNote';

const RESOLUTION_LABEL: Record<number, string> = { 10: '10 s', 60: '1 min', 3600: '1 h' };
/** New operator actions and alert events show up while a range that ends now stays open. */
const AUDIT_POLL_MS = 15_000;

const NO_MARKERS: readonly ChartMarker[] = [];

/** "3 operator actions · 2 alert events". */
function markersSummary(markers: readonly ChartMarker[]): string {
  const actions = markers.filter((marker) => marker.source === 'audit').length;
  const alerts = markers.length - actions;
  return [actions ? plural(actions, 'operator action') : '', alerts ? plural(alerts, 'alert event') : ''].filter(Boolean).join(' · ');
}

function chartSeries(colors: ChartColors) {
  const status: HistorySeries[] = [
    { key: 'waiting', label: 'waiting', color: colors.waiting },
    { key: 'ready', label: 'ready', color: colors.ready },
    { key: 'processing', label: 'processing', color: colors.processing },
    { key: 'failed', label: 'failed', color: colors.failed },
  ];
  const leases: HistorySeries[] = [
    { key: 'eligible', label: 'eligible', color: colors.ok },
    { key: 'overdue', label: 'overdue', color: colors.warn },
    { key: 'expiredLeases', label: 'expired leases', color: colors.bad },
  ];
  const events: HistorySeries[] = [
    { key: 'entered', label: 'entered', color: colors.accent },
    { key: 'claimed', label: 'claimed', color: colors.processing },
    { key: 'completed', label: 'completed', color: colors.ok },
    { key: 'failedEvents', label: 'failed', color: colors.failed },
  ];
  const risk: HistorySeries[] = [
    { key: 'hour1', label: 'due ≤ 1 h', color: colors.bad },
    { key: 'hours6', label: 'due ≤ 6 h', color: colors.warn },
    { key: 'hours24', label: 'due ≤ 24 h', color: colors.muted, dashed: true },
  ];
  return { status, leases, events, risk };
}

/**
 * The pool's recorded history (history.read) over a chosen range, opened at once from the
 * database; for a range ending now, the live samples appended. Operators' actions from the audit
 * log and alerts firing or resolving are markers on every chart; spans no recorder covered are gaps.
 */
export function HistoryPanel({ samples, colors }: { samples: readonly StatsSample[]; colors: ChartColors }) {
  const [range, setRange] = useState<HistoryRange>(() => presetRange(DEFAULT_RANGE));
  const [lastPreset, setLastPreset] = useState<PresetId>(DEFAULT_RANGE);
  const [hovered, setHovered] = useState<ChartMarker | null>(null);
  const { from, to } = rangeBounds(range);
  const live = endsNow(range);
  const history = useCall('history.read', { from: new Date(from), to: new Date(to) });
  const audit = useCall('audit.list', live ? { from: new Date(from), limit: 500 } : { from: new Date(from), to: new Date(to), limit: 500 }, { pollMs: live ? AUDIT_POLL_MS : undefined });
  // Before the alert tables exist there is nothing to ask for (the overview says so, without an error).
  const alertsAvailable = useAlertOverview().data?.available === true;
  const alerts = useCall('alerts.events', live ? { from: new Date(from), limit: 500 } : { from: new Date(from), to: new Date(to), limit: 500 }, {
    enabled: alertsAvailable,
    pollMs: live ? AUDIT_POLL_MS : undefined,
  });

  const series = useMemo(() => chartSeries(colors), [colors]);
  const rows = useMemo(() => (history.data ? historyRows(history.data, live ? samples : null) : []), [history.data, live, samples]);
  const estimates = useMemo(() => estimateRuns(rows), [rows]);
  const markers = useMemo(() => [...auditMarkers(audit.data ?? []), ...alertMarkers(alertsAvailable ? (alerts.data ?? []) : [])].sort(byTime), [audit.data, alerts.data, alertsAvailable]);
  const end = live ? Math.max(to, rows.at(-1)?.t ?? to) : to;
  const domain = useMemo<[number, number]>(() => [end - (to - from), end], [end, from, to]);
  // The same empty list while there is nothing to mark: each answer (audit, alerts) would otherwise redraw every chart.
  const shownMarkers = useMemo(() => {
    const shown = markers.filter((marker) => marker.t >= domain[0] && marker.t <= domain[1]);
    return shown.length ? shown : NO_MARKERS;
  }, [markers, domain]);

  const choose = (id: PresetId) => {
    setLastPreset(id);
    setRange(presetRange(id));
  };
  const zoom = useCallback((zoomFrom: number, zoomTo: number) => setRange({ kind: 'custom', from: Math.floor(zoomFrom), to: Math.ceil(zoomTo) }), []);

  const [customFrom, setCustomFrom] = useState('');
  const [customTo, setCustomTo] = useState('');
  const customFromMs = fromLocalInput(customFrom);
  const customToMs = fromLocalInput(customTo);
  const customValid = customFromMs !== null && customToMs !== null && customFromMs < customToMs;

  const chart = (id: string, title: string, spec: readonly HistorySeries[], note?: string) => (
    <HistoryChart id={id} title={title} note={note} rows={rows} series={spec} domain={domain} markers={shownMarkers} estimates={estimates} colors={colors} onZoom={zoom} onMarkerHover={setHovered} />
  );
  const data = history.data;
  const estimated = rows.filter((row) => row.estimated).length;

  return (
    <section className="overview-history" aria-label="History" data-testid="history" data-resolution={data?.resolution} data-range-from={from} data-range-to={to}>
      <div className="overview-toolbar">
        <div className="segmented" role="group" aria-label="History range">
          {HISTORY_RANGES.map((option) => (
            <button key={option.id} type="button" aria-pressed={range.kind === 'preset' && range.id === option.id} onClick={() => choose(option.id)}>
              {option.label}
            </button>
          ))}
        </div>
        <form
          className="history-custom"
          onSubmit={(event) => {
            event.preventDefault();
            if (customValid) setRange({ kind: 'custom', from: customFromMs, to: customToMs });
          }}
        >
          <label>
            From <input type="datetime-local" value={customFrom} onChange={(event) => setCustomFrom(event.target.value)} onFocus={() => customFrom || setCustomFrom(toLocalInput(from))} />
          </label>
          <label>
            to <input type="datetime-local" value={customTo} onChange={(event) => setCustomTo(event.target.value)} onFocus={() => customTo || setCustomTo(toLocalInput(to))} />
          </label>
          <button type="submit" disabled={!customValid}>
            Show range
          </button>
        </form>
        {range.kind === 'custom' ? (
          <button type="button" onClick={() => choose(lastPreset)}>
            Reset to {HISTORY_RANGES.find((option) => option.id === lastPreset)!.label}
          </button>
        ) : null}
        <span className="muted" data-testid="history-status">
          {data
            ? `${formatUtc(new Date(from), { seconds: false })} – ${live ? 'now' : formatUtc(new Date(to), { seconds: false })} · ${RESOLUTION_LABEL[data.resolution] ?? `${data.resolution} s`} resolution · ${plural(data.points.length, 'recorded point')}` +
              (data.gaps.length ? ` · ${plural(data.gaps.length, 'gap')} (no recorder)` : '') +
              (estimated ? ` · ${plural(estimated, 'estimated point')} (shaded)` : '') +
              (data.truncated ? ' · only the newest points of this range' : '') +
              (live ? ' · live tail' : '')
            : history.loading
              ? `Reading the recorded history (${formatDuration((to - from) / 1000)})…`
              : ''}
        </span>
        <ReadSourceNote source={data?.source} what="history rows" />
      </div>
      {history.error ? <ErrorNotice error={history.error} title="The recorded history could not be read" /> : null}
      {audit.error ? <ErrorNotice error={audit.error} title="Operator actions (audit log) could not be read: no markers" /> : null}
      {alerts.error ? <ErrorNotice error={alerts.error} title="Alert events could not be read: no alert markers" /> : null}
      <p className="muted history-hint">Drag across a chart to zoom in; gaps are spans when no recorder ran.</p>
      <div className="history-grid">
        {chart('history-status', 'Entries by status', series.status)}
        {chart('history-leases', 'Eligible, overdue, expired leases', series.leases)}
        {chart('history-events', 'Events per minute', series.events, 'From the recorded event deltas; no line where they are unknown.')}
        {chart('history-risk', 'Deadline risk (waiting entries due within)', series.risk)}
      </div>
      <div className="history-marker-tip" role="tooltip" data-testid="marker-tooltip" hidden={!hovered}>
        {hovered?.text}
      </div>
      {shownMarkers.length ? (
        <details className="history-markers">
          <summary>{markersSummary(shownMarkers)} in this range</summary>
          <ul>
            {shownMarkers.map((marker) => (
              <li key={`${marker.source}-${marker.id}`} data-marker-item={marker.source === 'audit' ? marker.id : undefined} data-alert-item={marker.source === 'alert' ? marker.id : undefined} className={marker.tone === 'failed' || marker.tone === 'firing' ? 'bad' : undefined}>
                {marker.text}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
