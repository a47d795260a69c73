import { useState } from 'react';
import { useNotifier, type NotifyPermission } from '../../app/notifier';

const HOW = 'one per rule each time it fires or resolves, several at once in one';

/**
 * Whether firing and resolved alerts reach the desktop. The app's main process shows them
 * without asking; a browser asks once, and only after a click (it refuses an unasked prompt).
 */
export function NotificationSettings() {
  const notifier = useNotifier();
  const [permission, setPermission] = useState<NotifyPermission>(() => notifier.permission());
  const [asking, setAsking] = useState(false);

  const ask = async () => {
    setAsking(true);
    try {
      setPermission(await notifier.request());
    } finally {
      setAsking(false);
    }
  };

  let text: string;
  if (notifier.kind === 'desktop') text = `Desktop notifications are on: ${HOW}.`;
  else if (permission === 'granted') text = `Desktop notifications are on in this browser while this page is open: ${HOW}.`;
  else if (permission === 'denied') text = 'This browser blocks notifications from this page. Allow them in the site settings (the icon left of the address), then reload; until then firing alerts show here, on the Alerts tab and on the Overview only.';
  else if (permission === 'unsupported') text = 'This browser has no desktop notifications; firing alerts show here, on the Alerts tab and on the Overview only.';
  else text = 'Desktop notifications are off in this browser.';

  return (
    <section className="panel" aria-label="Notifications" data-testid="notification-settings" data-permission={permission}>
      <p className={permission === 'denied' ? 'verdict-warn' : 'muted'}>{text}</p>
      {notifier.kind === 'browser' && permission === 'default' ? (
        <button type="button" onClick={() => void ask()} disabled={asking}>
          Enable desktop notifications
        </button>
      ) : null}
    </section>
  );
}
