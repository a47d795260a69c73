import { describe, expect, it } from 'vitest';
import { chooseNotifier } from '../../src/renderer/app/notifier.js';

/* Where the page's alert notifications go: the preload's notify, the browser's Notification, or nowhere. */

/** A browser's Notification class whose permission a test sets, recording what it was asked to show. */
function browserNotification(permission: string, answer: string) {
  const shown: { title: string; body: string }[] = [];
  class Fake {
    static permission = permission;
    static asked = 0;
    static async requestPermission() {
      Fake.asked++;
      Fake.permission = answer;
      return answer;
    }
    constructor(title: string, options: { body: string }) {
      shown.push({ title, body: options.body });
    }
  }
  return { Fake, shown };
}

describe('chooseNotifier', () => {
  it("in the desktop app, hands notices to the preload's notify, with no permission to ask", async () => {
    const sent: unknown[] = [];
    const notifier = chooseNotifier({ poolConsole: { notify: (notice) => void sent.push(notice) } });
    expect(notifier.kind).toBe('desktop');
    expect(notifier.permission()).toBe('granted');
    notifier.show({ title: 'Alert firing: Failures', body: '9 per minute' });
    expect(sent).toEqual([{ title: 'Alert firing: Failures', body: '9 per minute' }]);
  });

  it("in a browser, shows nothing until the person allows it, then shows through the browser's Notification", async () => {
    const { Fake, shown } = browserNotification('default', 'granted');
    const notifier = chooseNotifier({ Notification: Fake });
    expect(notifier.kind).toBe('browser');
    expect(notifier.permission()).toBe('default');
    notifier.show({ title: 'early', body: '' });
    expect(shown).toEqual([]);
    expect(await notifier.request()).toBe('granted');
    notifier.show({ title: 'Alert resolved: Failures', body: 'back under 5' });
    expect(shown).toEqual([{ title: 'Alert resolved: Failures', body: 'back under 5' }]);
  });

  it('in a browser that refuses, says denied and shows nothing', async () => {
    const { Fake, shown } = browserNotification('default', 'denied');
    const notifier = chooseNotifier({ Notification: Fake });
    expect(await notifier.request()).toBe('denied');
    notifier.show({ title: 'x', body: '' });
    expect(shown).toEqual([]);
  });

  it('without either, says unsupported', async () => {
    const notifier = chooseNotifier({});
    expect([notifier.kind, notifier.permission(), await notifier.request()]).toEqual(['none', 'unsupported', 'unsupported']);
  });
});
