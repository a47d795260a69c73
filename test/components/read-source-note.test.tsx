import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ReadSourceNote } from '../../src/renderer/components/ReadSourceNote';
import { EntriesPage } from '../../src/renderer/pages/EntriesPage';
import type { PoolConsoleApi } from '../../src/shared/contract';
import type { ReadSource } from '../../src/shared/results/replica';
import { createInMemoryApi } from '../fakes/in-memory-api';
import { renderInConsole } from './render-in-console';

/* Where figures were read, beside them, on a profile with a read replica (issue 13). */

describe('ReadSourceNote', () => {
  it('says the replica and its lag', () => {
    render(<ReadSourceNote source={{ server: 'replica', lagSeconds: 3 }} what="entries" />);
    const note = screen.getByTestId('read-source');
    expect(note.textContent).toBe('replica, 3 s behind');
    expect(note.className).toBe('read-source');
  });

  it('says why the primary was read instead, marked', () => {
    render(<ReadSourceNote source={{ server: 'primary', lagSeconds: 45, fallbackReason: 'replica 45 s behind (threshold 30 s)' }} what="entries" />);
    const note = screen.getByTestId('read-source');
    expect(note.textContent).toBe('reading the primary: replica 45 s behind (threshold 30 s)');
    expect(note.className).toContain('read-source-fallback');
  });

  it('shows nothing without a replica', () => {
    const { container } = render(<ReadSourceNote source={undefined} what="entries" />);
    expect(container.textContent).toBe('');
  });
});

describe('the Entries page on a profile with a replica', () => {
  it('shows where the list was read beside its count', async () => {
    const fake = createInMemoryApi();
    const source: ReadSource = { server: 'primary', lagSeconds: null, fallbackReason: "the replica's SQL thread is stopped" };
    // the fake's list, as the back returns it when the replica router fell back
    const api: PoolConsoleApi = {
      ...fake.api,
      call: (async (name: string, input: unknown, signal?: AbortSignal) => {
        const result = await (fake.api.call as (n: string, i: unknown, s?: AbortSignal) => Promise<unknown>)(name, input, signal);
        return name === 'entries.list' ? { ...(result as object), source } : result;
      }) as PoolConsoleApi['call'],
    };
    renderInConsole(api, <EntriesPage navigate={() => {}} />);
    const note = await waitFor(() => screen.getByTestId('read-source'));
    expect(note.textContent).toBe("reading the primary: the replica's SQL thread is stopped");
    expect(note.closest('.entries-summary')).not.toBeNull();
  });
});
