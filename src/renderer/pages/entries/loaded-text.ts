import { formatCount } from '../../../shared/format';
import { plural } from '../../../shared/plural';
import type { EntryTotal } from '../../../shared/results/pool';

/**
 * "200 entries loaded of 1,234 matching", or "of ≥ 10,000 matching" where the back stopped
 * counting; without a total yet, whether more are available.
 */
export function loadedText(loaded: number, total: EntryTotal | null, more: boolean): string {
  const rows = `${plural(loaded, 'entry', 'entries')} loaded`;
  if (!total) return `${rows}${more ? ', more available' : ''}`;
  // Pages loaded past the bound are themselves a lower bound.
  return total.exact ? `${rows} of ${formatCount(total.count)} matching` : `${rows} of ≥ ${formatCount(Math.max(total.count, loaded))} matching`;
}
