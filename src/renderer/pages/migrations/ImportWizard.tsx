import { useState, type ChangeEvent } from 'react';
import { useAction } from '../../api/hooks';
import { WriteButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ProgressNotice } from '../../components/ProgressNotice';
import { formatBytes, formatCount } from '../../../shared/format';
import { plural } from '../../../shared/plural';
import { ImportPreviewTable } from './ImportPreviewTable';
import { readSnapshot } from './read-snapshot';
import { WizardSteps } from './WizardSteps';

/**
 * The legacy memory-pool import: choose the export → the back judges every entry (a dry run) →
 * apply with progress → what it added, found pooled already, and skipped. Importing is
 * idempotent, so running it twice adds nothing the second time.
 */
export function ImportWizard({ database }: { database: string }) {
  const [file, setFile] = useState<{ name: string; size: number; text: string } | null>(null);
  const [readProblem, setReadProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  // What the confirmed preview said would be added, set against what the import then added.
  const [confirmedAdd, setConfirmedAdd] = useState<number | null>(null);
  const preview = useAction('import.preview');
  const apply = useAction('import.apply');

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setFile(null);
    setReadProblem(null);
    preview.reset();
    apply.reset();
    if (!chosen) return;
    const read = await readSnapshot(chosen);
    if (!read.ok) {
      setReadProblem(read.message);
      return;
    }
    setFile({ name: chosen.name, size: chosen.size, text: read.text });
    await preview.run({ snapshot: read.text });
  };

  const checkAgain = async () => {
    if (!file) return;
    apply.reset();
    await preview.run({ snapshot: file.text });
  };

  const confirmed = async (reason: string) => {
    setConfirming(false);
    if (!file) return;
    setConfirmedAdd(preview.result?.counts['will-add'] ?? null);
    const result = await apply.run({ snapshot: file.text, reason });
    // The preview no longer describes the database: entries it would add are pooled now.
    if (result) preview.reset();
  };

  const willAdd = preview.result?.counts['will-add'] ?? 0;
  const result = apply.result;
  // The back refused the file itself (not JSON, not an export): choosing a file is still the step to do.
  const rejected = preview.error?.code === 'INVALID_INPUT' ? preview.error : null;
  const step = !file || rejected ? 0 : !preview.result ? 1 : !result ? 2 : 3;
  return (
    <section className="panel" aria-labelledby="import-wizard">
      <h2 id="import-wizard">Import a legacy pool export</h2>
      <WizardSteps current={step} />
      <div className="row">
        <label>
          Legacy export (.json)
          <input type="file" accept=".json,application/json" onChange={(event) => void choose(event)} disabled={apply.running} />
        </label>
        {file ? (
          <span className="muted">
            {file.name} · {formatBytes(file.size)}
          </span>
        ) : null}
      </div>
      {readProblem ? (
        <div className="notice notice-error" role="alert">
          <p>{readProblem}</p>
        </div>
      ) : null}
      {preview.running ? <p className="muted">Checking every entry against the database…</p> : null}
      {rejected && file ? (
        <div className="notice notice-error" role="alert" aria-label="File rejected">
          <strong>{file.name} cannot be imported</strong>
          <p>{rejected.message}</p>
          <p className="muted">Choose the JSON file the legacy pool exported; nothing was changed.</p>
        </div>
      ) : (
        <ErrorNotice error={preview.error} title="The file could not be checked" />
      )}
      {preview.result ? (
        <>
          <ImportPreviewTable preview={preview.result} />
          <div className="row">
            <WriteButton
              className="primary"
              onClick={() => setConfirming(true)}
              disabled={willAdd === 0 || apply.running}
              title={willAdd === 0 ? 'Nothing in this file would be added' : undefined}
            >
              Import {plural(willAdd, 'entry', 'entries')}
            </WriteButton>
          </div>
        </>
      ) : null}
      <ProgressNotice operation="import" active={apply.running} onCancel={apply.cancel} />
      <ErrorNotice error={apply.error} title="The import stopped" />
      {result ? (
        <div className="notice notice-ok" role="status" aria-label="Import result">
          <p>
            Imported into <strong>{database}</strong>: <strong>{formatCount(result.added)}</strong> added
            {confirmedAdd !== null && confirmedAdd !== result.added ? ` (the preview counted ${formatCount(confirmedAdd)}; the pool changed in between)` : ''},{' '}
            <strong>{formatCount(result.alreadyPooled)}</strong> already pooled (kept as they were), of {plural(result.total, 'entry', 'entries')} in{' '}
            {plural(result.batches, 'batch', 'batches')}.
          </p>
          <p>
            Skipped: {formatCount(result.skipped['booking-missing'])} booking missing, {formatCount(result.skipped['booking-finished'])} booking finished,{' '}
            {formatCount(result.skipped.invalid)} invalid.
          </p>
          <button type="button" onClick={() => void checkAgain()}>
            Preview the file again
          </button>
        </div>
      ) : null}
      {confirming && preview.result ? (
        <ConfirmDialog
          request={{
            title: 'Import legacy pool entries',
            database,
            rows: willAdd,
            confirmLabel: `Import ${plural(willAdd, 'entry', 'entries')}`,
            askReason: true,
            body: (
              <p>
                Adds <strong>{plural(willAdd, 'entry', 'entries')}</strong> to the pool; {formatCount(preview.result.counts['already-pooled'])} already pooled are kept as
                they are; the rest are skipped.
              </p>
            ),
          }}
          onConfirm={(reason) => void confirmed(reason)}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}
