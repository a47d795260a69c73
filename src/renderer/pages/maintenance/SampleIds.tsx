/** The first booking ids a preview found, so an operator can open one before applying. */
export function SampleIds({ ids, total }: { ids: number[]; total: number }) {
  if (ids.length === 0) return null;
  return (
    <p className="muted" data-testid="sample-ids">
      {total > ids.length ? `First ${ids.length} booking ids` : 'Booking ids'}: {ids.join(', ')}
    </p>
  );
}
