import type { IntegrityReport as Report } from '../../../shared/results/maintenance';
import type { CallError } from '../../api/call-error';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatUtc } from '../../../shared/format';
import { plural } from '../../../shared/plural';

/** The cleanup rules run read-only as a check: passed when none finds a row. */
export function IntegrityReport({ report, error, running, onRun }: { report: Report | undefined; error: CallError | null; running: boolean; onRun: () => void }) {
  const failing = report?.rules.filter((rule) => rule.count > 0) ?? [];
  return (
    <section className="panel" aria-labelledby="integrity-report">
      <div className="row page-title">
        <h2 id="integrity-report">Integrity report</h2>
        <button type="button" onClick={onRun} disabled={running}>
          {running ? 'Checking…' : report ? 'Check again' : 'Check integrity'}
        </button>
      </div>
      <ErrorNotice error={error} title="The integrity check could not run" />
      {report ? (
        <div className={`notice ${report.passed ? 'notice-ok' : 'notice-error'}`} data-testid="integrity-summary">
          <p>
            <strong>{report.passed ? 'Passed' : 'Failed'}</strong>:{' '}
            {report.passed
              ? `none of the ${plural(report.rules.length, 'rule')} finds anything`
              : `${plural(failing.length, 'rule')} of ${report.rules.length} ${failing.length === 1 ? 'finds' : 'find'} rows to fix`}{' '}
            <span className="muted">(checked at {formatUtc(report.checkedAt)})</span>
          </p>
          {(report.unavailable ?? []).map((figure) => (
            <p key={figure.figure} className="muted" data-testid="integrity-unavailable">
              {figure.reason}
            </p>
          ))}
          {failing.length > 0 ? (
            <ul>
              {failing.map((rule) => (
                <li key={rule.id}>
                  {rule.title}: {plural(rule.count, 'row')}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : !running ? (
        <p className="muted">Runs every cleanup rule read-only and reports pass or fail.</p>
      ) : null}
    </section>
  );
}
