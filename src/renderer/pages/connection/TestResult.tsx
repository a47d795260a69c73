import type { ConnectionTest } from '../../../shared/contract';
import type { CallError } from '../../api/call-error';
import { ErrorNotice } from '../../components/ErrorNotice';

/** What a connection test found: the server and its round trip, whether BOOKING_PLAN is there — or the error and what to do. */
export function TestResult({ name, result, error }: { name: string; result: ConnectionTest | undefined; error: CallError | null }) {
  if (error) return <ErrorNotice error={error} title={`Test of '${name}' failed`} />;
  if (!result) return null;
  return (
    <div className={`notice ${result.bookingPlan ? 'notice-ok' : 'notice-warn'}`} role="status" aria-label={`Test result for ${name}`}>
      <strong>{`'${name}' answers`}</strong>: server {result.serverVersion} ({result.flavour}), round trip {result.roundTripMs.toFixed(1)} ms.{' '}
      {result.bookingPlan ? (
        'BOOKING_PLAN found.'
      ) : (
        <span>BOOKING_PLAN is missing: this is not the booking database. Check the profile&apos;s database name.</span>
      )}
    </div>
  );
}
