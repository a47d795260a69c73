/**
 * A count with its noun, agreeing in number: "1 entry", "3 entries", "1,230 rows". The one way a
 * count is written in words, in the console, the CLI and the back's messages alike.
 */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count.toLocaleString('en-GB')} ${count === 1 ? noun : nouns}`;
}
