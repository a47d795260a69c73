import type { PageProps } from '../../app/pages';
import { formatCount, formatDuration } from '../../../shared/format';
import type { TileValue } from './overview-model';

function formatValue(tile: TileValue, value: number): string {
  return tile.spec.format === 'duration' ? formatDuration(value) : formatCount(value);
}

function Delta({ tile, measured }: { tile: TileValue; measured: boolean }) {
  if (tile.value === null) return <span className="tile-delta muted">{measured ? 'pool empty' : 'no reading yet'}</span>;
  if (tile.note) return <span className="tile-delta muted" data-testid={`note-${tile.spec.id}`}>{tile.note}</span>;
  if (tile.delta === null) return <span className="tile-delta muted">collecting…</span>;
  const over = `over ${formatDuration(tile.deltaSpanMs / 1000)}`;
  if (tile.delta === 0) return <span className="tile-delta flat" title={`no change ${over}`}>= 0 {over}</span>;
  const growing = tile.delta > 0;
  const tone = tile.spec.growthIsBad === null ? 'neutral' : growing === tile.spec.growthIsBad ? 'worse' : 'better';
  const change = `${growing ? '▲ +' : '▼ −'}${formatValue(tile, Math.abs(tile.delta))}`;
  // Two unbreakable parts that may wrap between them: a narrow tile shows the window on a second line, never clipped.
  return (
    <span className={`tile-delta ${tone}`} data-testid={`delta-${tile.spec.id}`} title={`${change} ${over}`}>
      <span className="tile-delta-part">{change}</span> <span className="tile-delta-part">{over}</span>
    </span>
  );
}

/** The pool at a glance; each tile opens the entries it counts. */
export function Tiles({ tiles, stale, navigate }: { tiles: TileValue[]; stale: string | null; navigate: PageProps['navigate'] }) {
  // "pool empty" only when a sample was read: before the first one, nothing is known.
  const measured = tiles.some((tile) => tile.value !== null);
  return (
    <div className="overview-tiles" data-stale={stale ? 'true' : undefined}>
      {tiles.map((tile) => (
        <button
          key={tile.spec.id}
          type="button"
          className={stale ? 'tile tile-button tile-stale' : 'tile tile-button'}
          data-testid={`tile-${tile.spec.id}`}
          title={`Open ${tile.spec.target.hint}${stale ? ` — ${stale}` : ''}`}
          onClick={() => navigate(tile.spec.target.page, tile.spec.target.state)}
        >
          <span className="tile-label">{tile.spec.label}</span>
          <span className="tile-value" data-testid={`value-${tile.spec.id}`}>
            {tile.value === null ? '—' : formatValue(tile, tile.value)}
          </span>
          <Delta tile={tile} measured={measured} />
        </button>
      ))}
    </div>
  );
}
