import { describe, expect, it } from 'vitest';
import { chooseApi } from '../../src/renderer/api/choose-api.js';

describe('chooseApi on the desktop', () => {
  it('unwraps the preload’s reply envelopes into results and coded errors', async () => {
    const bridge = {
      call: async (name: string) =>
        name === 'app.info'
          ? { ok: true, result: { version: '1' } }
          : { ok: false, error: { code: 'NO_PRIVILEGE', message: 'read-only', details: { op: name } } },
      subscribe: () => () => undefined,
    };
    const api = chooseApi({ poolConsole: bridge as never, location: { href: 'file:///index.html' } });
    expect(api.shell).toBe('desktop');
    await expect(api.call('app.info', {})).resolves.toEqual({ version: '1' });
    await expect(api.call('entries.retry', { bookingId: 1, reason: 'INC-1' })).rejects.toMatchObject({ code: 'NO_PRIVILEGE', message: 'read-only', details: { op: 'entries.retry' } });
  });
});
