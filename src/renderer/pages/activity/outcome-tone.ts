/** ok is good; a cancelled write stopped as asked (neutral, its count says what it did); the rest went wrong or are under way. */
export function outcomeTone(outcome: string): 'ok' | 'cancelled' | 'error' {
  return outcome === 'ok' || outcome === 'cancelled' ? outcome : 'error';
}
