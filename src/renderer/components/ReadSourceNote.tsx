import { readSourceText } from '../../shared/read-source-text';
import type { ReadSource } from '../../shared/results/replica';

/**
 * Beside figures that may come from the profile's read replica: where they were read and how far
 * behind, or why the primary served them. Nothing on a profile without a replica.
 */
export function ReadSourceNote({ source, what }: { source: ReadSource | undefined; what: string }) {
  if (!source) return null;
  const fellBack = source.server === 'primary' && Boolean(source.fallbackReason);
  return (
    <span className={`read-source${fellBack ? ' read-source-fallback' : ''}`} data-testid="read-source" data-server={source.server} title={`Where the ${what} were read`}>
      {readSourceText(source)}
    </span>
  );
}
