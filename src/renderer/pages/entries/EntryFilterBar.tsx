import { useState, type FormEvent } from 'react';
import { MEETING_TYPES, OWNER_GROUPS, POOL_MODES, POOL_STATUSES } from '../../../shared/pool-types';
import { ENTRY_SORTS, SORT_ORDERS } from '../../../shared/results/pool';
import { checkFilters, FIELD_LABELS, parseBookingId, type EntryFilters } from './filters';

/** The typed fields: they apply together on Enter (or "Find"), after the contract's schema accepts them. */
interface Draft {
  bookingId: string;
  ownerEmpCode: string;
  room: string;
  lastErrorContains: string;
  meetingFrom: string;
  meetingTo: string;
  deadlineFrom: string;
  deadlineTo: string;
  attemptsMin: string;
  attemptsMax: string;
}

/** A time field shows the filter's UTC time as the datetime-local input's text, minutes only. */
const timeText = (value: string | undefined) => (value ? value.slice(0, 16) : '');
/** The input's text as a UTC time (the page's times are UTC); anything else goes as typed, for the schema to refuse. */
const asUtc = (text: string) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(text.trim()) ? `${text.trim()}Z` : text);
const asCount = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : text);

function draftOf(filters: EntryFilters): Draft {
  return {
    bookingId: filters.bookingId !== undefined ? String(filters.bookingId) : '',
    ownerEmpCode: filters.ownerEmpCode ?? '',
    room: filters.room ?? '',
    lastErrorContains: filters.lastErrorContains ?? '',
    meetingFrom: timeText(filters.meetingFrom),
    meetingTo: timeText(filters.meetingTo),
    deadlineFrom: timeText(filters.deadlineFrom),
    deadlineTo: timeText(filters.deadlineTo),
    attemptsMin: filters.attemptsMin !== undefined ? String(filters.attemptsMin) : '',
    attemptsMax: filters.attemptsMax !== undefined ? String(filters.attemptsMax) : '',
  };
}

const LABELS = { entryTime: 'entry time', deadline: 'deadline', attempts: 'attempts' } as const;

/**
 * Selects and the checkbox apply at once; the typed fields on Enter (or "Find"). Whatever is
 * applied first passes the contract's own schema: a bad value or an upside-down window shows why
 * and sends nothing.
 */
export function EntryFilterBar({ filters, onChange }: { filters: EntryFilters; onChange: (filters: EntryFilters) => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(filters));
  const [error, setError] = useState<{ field: keyof Draft | null; message: string } | null>(null);
  // Filters replaced from outside (navigation, a link, "clear"): show them. Our own change (a
  // select) keeps what is typed but not applied yet.
  const [shown, setShown] = useState(filters);
  const [emitted, setEmitted] = useState<string | null>(null);
  if (shown !== filters) {
    setShown(filters);
    if (JSON.stringify(filters) !== emitted) {
      setDraft(draftOf(filters));
      setError(null);
    }
  }

  const apply = (candidate: Record<string, unknown>) => {
    const checked = checkFilters(candidate);
    if (checked.error !== undefined) {
      const field = (Object.keys(draft) as (keyof Draft)[]).find((key) => checked.error.startsWith(`${FIELD_LABELS[key]}:`)) ?? null;
      setError({ field, message: checked.error });
      return;
    }
    setError(null);
    setEmitted(JSON.stringify(checked.filters));
    onChange(checked.filters);
  };

  const typed = (): Record<string, unknown> => ({
    bookingId: draft.bookingId.trim() === '' ? undefined : parseBookingId(draft.bookingId),
    ownerEmpCode: draft.ownerEmpCode,
    room: draft.room,
    lastErrorContains: draft.lastErrorContains,
    meetingFrom: asUtc(draft.meetingFrom),
    meetingTo: asUtc(draft.meetingTo),
    deadlineFrom: asUtc(draft.deadlineFrom),
    deadlineTo: asUtc(draft.deadlineTo),
    attemptsMin: asCount(draft.attemptsMin),
    attemptsMax: asCount(draft.attemptsMax),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.bookingId.trim() !== '' && parseBookingId(draft.bookingId) === undefined) {
      setError({ field: 'bookingId', message: 'A booking id is a whole number from 1 to 2147483647.' });
      return;
    }
    apply({ ...filters, ...typed() });
  };

  /** A select or the checkbox: applies at once, with the typed fields as last applied. */
  const pick = (field: keyof EntryFilters, value: unknown) => apply({ ...filters, [field]: value === '' ? undefined : value });

  const text = (field: keyof Draft, label: string, props: { size?: number; placeholder?: string; type?: string; inputMode?: 'numeric' } = {}) => (
    <label>
      {label}
      <input
        value={draft[field]}
        onChange={(event) => setDraft({ ...draft, [field]: event.target.value })}
        aria-invalid={error?.field === field || undefined}
        placeholder={props.placeholder ?? 'any'}
        size={props.size ?? 10}
        type={props.type ?? 'text'}
        inputMode={props.inputMode}
      />
    </label>
  );

  const select = (field: 'status' | 'mode' | 'ownerGroup' | 'meetingType', label: string, options: readonly string[]) => (
    <label>
      {label}
      <select value={filters[field] ?? ''} onChange={(event) => pick(field, event.target.value)}>
        <option value="">all</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );

  const any = Object.keys(filters).some((key) => key !== 'sort' && key !== 'order');
  return (
    <form className="entries-filters" onSubmit={submit} aria-label="Entry filters">
      <div className="row">
        {select('status', 'Status', POOL_STATUSES)}
        {select('mode', 'Mode', POOL_MODES)}
        {select('meetingType', 'Meeting type', MEETING_TYPES)}
        {select('ownerGroup', 'Group', OWNER_GROUPS)}
        <label className="checkbox-label">
          <span>
            <input type="checkbox" checked={Boolean(filters.overdue)} onChange={(event) => pick('overdue', event.target.checked || undefined)} /> Overdue only
          </span>
        </label>
        <label>
          Sort by
          <select value={filters.sort ?? 'entryTime'} onChange={(event) => pick('sort', event.target.value)}>
            {ENTRY_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {LABELS[sort]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Order
          <select value={filters.order ?? 'asc'} onChange={(event) => pick('order', event.target.value)}>
            {SORT_ORDERS.map((order) => (
              <option key={order} value={order}>
                {order === 'asc' ? 'ascending' : 'descending'}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        {text('bookingId', 'Booking id', { inputMode: 'numeric' })}
        {text('ownerEmpCode', 'Owner')}
        {text('room', 'Room')}
        {text('lastErrorContains', 'Last error contains', { size: 16 })}
        {text('attemptsMin', 'Attempts ≥', { size: 4, inputMode: 'numeric' })}
        {text('attemptsMax', 'Attempts ≤', { size: 4, inputMode: 'numeric' })}
      </div>
      <div className="row">
        {text('meetingFrom', 'Meeting from (UTC)', { type: 'datetime-local', placeholder: 'YYYY-MM-DDTHH:MM' })}
        {text('meetingTo', 'Meeting before (UTC)', { type: 'datetime-local', placeholder: 'YYYY-MM-DDTHH:MM' })}
        {text('deadlineFrom', 'Deadline from (UTC)', { type: 'datetime-local', placeholder: 'YYYY-MM-DDTHH:MM' })}
        {text('deadlineTo', 'Deadline before (UTC)', { type: 'datetime-local', placeholder: 'YYYY-MM-DDTHH:MM' })}
        <button type="submit">Find</button>
        <button type="button" disabled={!any} onClick={() => onChange(filters.sort || filters.order ? { sort: filters.sort, order: filters.order } : {})}>
          Clear filters
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </form>
  );
}
