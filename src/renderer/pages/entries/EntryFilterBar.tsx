import { useState, type FormEvent } from 'react';
import { POOL_MODES, POOL_STATUSES, type PoolMode, type PoolStatus } from '../../../shared/pool-types';
import { parseBookingId, type EntryFilters } from './filters';

/** Status, mode and overdue apply at once; a booking id applies on Enter (or "Find"). */
export function EntryFilterBar({ filters, onChange }: { filters: EntryFilters; onChange: (filters: EntryFilters) => void }) {
  const [idText, setIdText] = useState(filters.bookingId !== undefined ? String(filters.bookingId) : '');
  const [idInvalid, setIdInvalid] = useState(false);
  // Filters replaced from outside (navigation, "clear"): show their booking id.
  const [shownId, setShownId] = useState(filters.bookingId);
  if (shownId !== filters.bookingId) {
    setShownId(filters.bookingId);
    setIdText(filters.bookingId !== undefined ? String(filters.bookingId) : '');
    setIdInvalid(false);
  }

  const submitId = (event: FormEvent) => {
    event.preventDefault();
    if (idText.trim() === '') {
      setIdInvalid(false);
      onChange({ ...filters, bookingId: undefined });
      return;
    }
    const id = parseBookingId(idText);
    setIdInvalid(id === undefined);
    if (id !== undefined) onChange({ ...filters, bookingId: id });
  };

  const any = Boolean(filters.status || filters.mode || filters.overdue || filters.bookingId !== undefined);
  return (
    <form className="row entries-filters" onSubmit={submitId} aria-label="Entry filters">
      <label>
        Status
        <select value={filters.status ?? ''} onChange={(event) => onChange({ ...filters, status: (event.target.value || undefined) as PoolStatus | undefined })}>
          <option value="">all</option>
          {POOL_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label>
        Mode
        <select value={filters.mode ?? ''} onChange={(event) => onChange({ ...filters, mode: (event.target.value || undefined) as PoolMode | undefined })}>
          <option value="">all</option>
          {POOL_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {mode}
            </option>
          ))}
        </select>
      </label>
      <label className="checkbox-label">
        <span>
          <input type="checkbox" checked={Boolean(filters.overdue)} onChange={(event) => onChange({ ...filters, overdue: event.target.checked || undefined })} /> Overdue only
        </span>
      </label>
      <label>
        Booking id
        <input
          inputMode="numeric"
          value={idText}
          onChange={(event) => setIdText(event.target.value)}
          aria-invalid={idInvalid || undefined}
          placeholder="any"
          size={10}
        />
      </label>
      <button type="submit">Find</button>
      <button type="button" disabled={!any} onClick={() => onChange({})}>
        Clear filters
      </button>
      {idInvalid ? <span className="field-error">A booking id is a whole number from 1 to 2147483647.</span> : null}
    </form>
  );
}
