import { QueryClient } from '@tanstack/react-query';
import type { InputOf, OperationName } from '../../shared/contract';
import { staleAfter } from './invalidates';

/**
 * The renderer's cache of answers. No retries: the back retries what is transient and says what
 * is not, and a retried failure would only delay the message. No refetch on focus: pages say
 * themselves what they poll.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false },
    },
  });
}

/** Every cached answer is keyed [operation, input]: one operation's answers are found by its name alone. */
export function queryKey<N extends OperationName>(name: N, input: InputOf<N>): readonly [N, InputOf<N>] {
  return [name, input] as const;
}

/** Fetches again, wherever shown, what the write `name` made stale (see invalidates.ts). */
export function invalidateAfter(client: QueryClient, name: OperationName): Promise<void> {
  const stale = staleAfter(name);
  if (stale === 'everything') return client.invalidateQueries();
  return Promise.all(stale.map((operation) => client.invalidateQueries({ queryKey: [operation] }))).then(() => undefined);
}
