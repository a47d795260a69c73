import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type KeyboardEvent } from 'react';
import type { PoolEntry } from '../../../shared/pool-types';
import { ageSince, formatUtc, truncate } from '../../../shared/format';
import { isOverdue } from './overdue';

/** The table's compact times (the year rarely matters: the pool spans weeks; the title has it in full). Headings say UTC. */
const SHORT = { seconds: false, year: false, zone: false } as const;
const MINUTE = { seconds: false, zone: false } as const;

/** Every row is one line (no wrapping), so a fixed height lets the virtualiser skip measuring. */
const ROW_HEIGHT = 32;
const COLUMNS = ['Booking', 'Status', 'Mode', 'Meeting type', 'Meeting start', 'Deadline', 'Entered', 'Attempts', 'Lease', 'Last error'] as const;
const WIDTHS = ['7%', '9%', '7%', '9%', '9%', '17%', '9%', '7%', '12%', '14%'];

/**
 * The loaded entries, virtualised: only the rows in view (plus a few) are in the document, so
 * thousands of loaded rows scroll smoothly. Spacer rows keep the scroll height right.
 */
export function EntriesTable({ rows, selectedId, onSelect }: { rows: PoolEntry[]; selectedId: number | null; onSelect: (bookingId: number) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- a note for the React Compiler, which this project does not run: nothing here is memoized by it.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.bookingId ?? index,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  // One clock reading per render, so every row judges overdue and lease age against the same now.
  const now = Date.now();

  return (
    <div className="entries-scroll" ref={scrollRef} data-testid="entries-scroll">
      <table className="entries-table" aria-rowcount={rows.length + 1}>
        <colgroup>
          {WIDTHS.map((width, index) => (
            <col key={index} style={{ width }} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {top > 0 ? <tr aria-hidden="true" className="spacer" style={{ height: top }} /> : null}
          {items.map((item) => {
            const entry = rows[item.index];
            return entry ? (
              <EntryRow key={item.key} entry={entry} position={item.index + 2} selected={entry.bookingId === selectedId} now={now} onSelect={onSelect} />
            ) : null;
          })}
          {bottom > 0 ? <tr aria-hidden="true" className="spacer" style={{ height: bottom }} /> : null}
        </tbody>
      </table>
    </div>
  );
}

function EntryRow({
  entry,
  position,
  selected,
  now,
  onSelect,
}: {
  entry: PoolEntry;
  position: number;
  selected: boolean;
  now: number;
  onSelect: (bookingId: number) => void;
}) {
  const open = () => onSelect(entry.bookingId);
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open();
    }
  };
  const overdue = isOverdue(entry, now);
  const leaseAge = ageSince(entry.claimedAt, now);
  return (
    <tr
      className={selected ? 'entry-row selected' : 'entry-row'}
      aria-rowindex={position}
      aria-selected={selected}
      tabIndex={0}
      onClick={open}
      onKeyDown={onKey}
      data-booking-id={entry.bookingId}
    >
      <td>{entry.bookingId}</td>
      <td>
        <span className={`status-tag status-tag-${entry.status}`}>{entry.status}</span>
      </td>
      <td>{entry.mode ?? '—'}</td>
      <td>{entry.meetingType}</td>
      <td title={formatUtc(entry.timeStart, MINUTE)}>{formatUtc(entry.timeStart, SHORT)}</td>
      <td title={formatUtc(entry.deadlineTime, MINUTE)}>
        {formatUtc(entry.deadlineTime, SHORT)}
        {overdue ? <span className="overdue-tag">overdue</span> : null}
      </td>
      <td title={formatUtc(entry.entryTime, MINUTE)}>{formatUtc(entry.entryTime, SHORT)}</td>
      <td className="number">{entry.attempts}</td>
      <td className="ellipsis" title={entry.claimedBy ?? undefined}>
        {entry.claimedBy || entry.claimedAt ? `${entry.claimedBy ?? 'unknown'}${leaseAge ? ` · ${leaseAge}` : ''}` : '—'}
      </td>
      <td className="ellipsis" title={entry.lastError ?? undefined}>
        {truncate(entry.lastError, 60)}
      </td>
    </tr>
  );
}
