import { useState } from 'react';

/**
 * Copies the page's address, whose fragment carries the Entries filters (filters.ts). In serve mode
 * the address holds no token (the server moved it into a cookie): the link opens in this browser;
 * elsewhere, open the URL `pool-console serve` printed first, or append the fragment to it.
 * Without clipboard access the link is shown to copy by hand.
 */
export function CopyLinkButton() {
  const [outcome, setOutcome] = useState<{ copied: boolean; link: string } | null>(null);
  const copy = async () => {
    const link = window.location.href;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      setOutcome({ copied: true, link });
    } catch {
      setOutcome({ copied: false, link });
    }
  };
  return (
    <span className="copy-link">
      <button type="button" onClick={() => void copy()}>
        Copy link
      </button>
      {outcome?.copied ? <span className="muted" role="status">Link copied</span> : null}
      {outcome && !outcome.copied ? (
        <label className="muted">
          Copy this link: <input readOnly value={outcome.link} size={40} onFocus={(event) => event.currentTarget.select()} />
        </label>
      ) : null}
    </span>
  );
}
