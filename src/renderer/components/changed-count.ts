import { formatCount } from '../../shared/format';
import { plural } from '../../shared/plural';

/**
 * What an applied write changed, by the apply's own count: "138 rows changed". When the preview
 * the operator confirmed counted otherwise, says so rather than leave the confirmed number standing.
 */
export function changedCount(changed: number, previewed: number | null, noun = 'row', nouns?: string, why = 'the pool changed in between'): string {
  const text = `${plural(changed, noun, nouns)} changed`;
  if (previewed === null || previewed === changed) return text;
  return `${text} (the preview counted ${formatCount(previewed)}; ${why})`;
}
