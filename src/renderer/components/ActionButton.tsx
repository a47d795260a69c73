import type { ButtonHTMLAttributes } from 'react';
import { useWriteBlock } from '../app/connection-context';

/** A button for an action that changes the database: disabled, saying why, when writing is refused. */
export function WriteButton({ children, disabled, title, ...rest }: ButtonHTMLAttributes<HTMLButtonElement>) {
  const blocked = useWriteBlock();
  return (
    <button type="button" {...rest} disabled={Boolean(blocked) || disabled} title={blocked ?? title} data-blocked={blocked ?? undefined}>
      {children}
      {blocked ? <span className="button-why"> — {blocked}</span> : null}
    </button>
  );
}
