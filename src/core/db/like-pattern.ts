/** The escape character of every LIKE built here: write `LIKE :pattern ESCAPE '!'` (no backslash, whatever sql_mode says). */
export const LIKE_ESCAPE = '!';

/**
 * A LIKE pattern matching any value that contains `text` literally: its own `%`, `_` and `!` are
 * escaped, and it is cut at `maxLength` (a column's width: nothing longer can match anyway).
 */
export function containsPattern(text: string, maxLength: number): string {
  return `%${text.slice(0, maxLength).replace(/[!%_]/g, (wildcard) => `${LIKE_ESCAPE}${wildcard}`)}%`;
}
