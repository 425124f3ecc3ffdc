// The import dialog: a chosen file's first rows (ingest.preview) as a table of its columns, each
// with the role it will get; the time's format when the values leave it open; which values of a
// text label mean an attack. Import (Enter) starts the import job as mapped; Cancel (Esc) drops it.
import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { CANONICAL_ROLES, type CanonicalRole, type DataFormat } from '../../../../src-shared/domain';
import {
  SOURCE_IDS,
  SOURCES,
  type ImportMapping,
  type ImportPreview,
  type SourceChoice,
} from '../../../../src-shared/import';
import type { AppError } from '../../../../src-shared/result';
import {
  appBridge,
  closeImport,
  showError,
  stageImport,
  startImport,
  useStore,
  type PendingImport,
  type StagedFile,
} from '../../store';
import { ColumnRow, roleOf, withRole, type ColumnRole } from './ColumnRow';
import { LabelValues } from './LabelValues';
import { TimeOptions } from './TimeOptions';

/** How the dialog names a file's format. */
const FORMAT_NAME: Record<DataFormat, string> = {
  csv: 'CSV',
  tsv: 'TSV',
  jsonl: 'JSON Lines',
  syslog: 'Server log (one row a line)',
  parquet: 'Parquet',
};

export function ImportDialog() {
  const pending = useStore((s) => s.importQueue[0] ?? null);
  return pending ? <ImportFile key={pending.id} pending={pending} /> : null;
}

const errorText = (e: AppError) =>
  [e.file && `${e.file}${e.line ? `:${e.line}` : ''}${e.column ? ` (column "${e.column}")` : ''}`, e.message]
    .filter(Boolean)
    .join(': ');

function ImportFile({ pending }: { pending: PendingImport }) {
  const { file, id } = pending;
  const [staged, setStaged] = useState<StagedFile | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [first, setFirst] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<ImportMapping | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  /** The layout chosen in the menu ('auto' until one is: recognised from the header). */
  const [layout, setLayout] = useState<SourceChoice>('auto');
  const [switching, setSwitching] = useState(false);
  const asked = useRef(0);

  const sourceOf = (s: StagedFile) =>
    s.uploadId !== undefined
      ? { uploadId: s.uploadId, fileName: s.fileName }
      : { path: s.path, fileName: s.fileName };

  // Stage the file and preview it as the engine would read it.
  useEffect(() => {
    let live = true;
    void (async () => {
      const s = await stageImport(file);
      if (!live) return;
      if (!s) return closeImport(id);
      setStaged(s);
      const r = await appBridge().invoke('ingest.preview', sourceOf(s));
      if (!live) return;
      if (!r.ok) {
        // A file that cannot be read as a table: say so where errors are said, and drop it.
        showError(r.error, `Could not import ${file.name}`);
        if (s.uploadId) void appBridge().invoke('ingest.discard', { uploadId: s.uploadId });
        return closeImport(id);
      }
      setPreview(r.value);
      setFirst(r.value);
      setMapping(r.value.mapping);
    })();
    return () => {
      live = false;
    };
  }, [file, id]);

  /** A changed mapping: previewed again (types, time, label values follow it). */
  const change = (next: ImportMapping) => {
    setMapping(next);
    if (!staged) return;
    const n = ++asked.current;
    void appBridge()
      .invoke('ingest.preview', { ...sourceOf(staged), ...next, source: layout })
      .then((r) => {
        if (n !== asked.current) return;
        if (r.ok) {
          setPreview(r.value);
          setError(null);
        } else setError(r.error);
      });
  };

  /** Another layout: the file is previewed afresh under it (its roles and time replace the mapping). */
  // The layout changes only once its preview is in (a refused one leaves the last one chosen).
  const chooseLayout = (choice: SourceChoice) => {
    if (!staged) return;
    const n = ++asked.current;
    setSwitching(true);
    void appBridge()
      .invoke('ingest.preview', { ...sourceOf(staged), source: choice })
      .then((r) => {
        setSwitching(false);
        if (n !== asked.current) return;
        if (r.ok) {
          setLayout(choice);
          setPreview(r.value);
          setMapping(r.value.mapping);
          setError(null);
        } else setError(r.error);
      });
  };

  const cancel = () => {
    asked.current++;
    if (staged?.uploadId) void appBridge().invoke('ingest.discard', { uploadId: staged.uploadId });
    closeImport(id);
  };

  const ambiguous = preview?.time.ambiguous ?? null;
  const canImport = !!staged && !!preview && !!mapping && !error && !ambiguous && !busy && !switching;

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!canImport) return;
    setBusy(true);
    asked.current++;
    await startImport(file, staged, mapping, layout);
    closeImport(id);
  };

  // Enter imports from anywhere in the dialog but a button (which acts itself).
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
    if ((e.target as HTMLElement).tagName === 'BUTTON') return;
    e.preventDefault();
    void submit();
  };

  const setRole = (column: string, role: ColumnRole) => mapping && change(withRole(mapping, column, role));

  return (
    <Dialog.Root open onOpenChange={(open) => !open && cancel()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog import-dialog"
          data-testid="import-dialog"
          aria-describedby={undefined}
        >
          <form className="dialog-form" onSubmit={(e) => void submit(e)} onKeyDown={onKeyDown}>
            <header className="dialog-head">
              <Dialog.Title className="dialog-title">
                Import <span className="mono">{file.name}</span>
              </Dialog.Title>
              {preview && (
                <p className="dialog-sub muted" data-testid="import-summary">
                  {FORMAT_NAME[preview.format]} · {preview.columns.length} columns · first{' '}
                  {preview.rows.toLocaleString('en-US')} rows {preview.complete ? '(the whole file)' : 'read'}
                  <label
                    className="import-layout"
                    title="Read its columns as a public data set publishes them"
                  >
                    Layout{' '}
                    <select
                      className="select"
                      data-testid="import-layout"
                      value={preview.sourceId ?? 'none'}
                      onChange={(e) => chooseLayout(e.target.value as SourceChoice)}
                    >
                      <option value="none">its own column names</option>
                      {SOURCE_IDS.map((id) => (
                        <option key={id} value={id}>
                          {SOURCES[id]}
                        </option>
                      ))}
                    </select>
                  </label>
                  {preview.source && !preview.remembered && (
                    <span
                      className="tag"
                      data-testid="import-source"
                      title="Its columns are read as this public data set publishes them"
                    >
                      read as published
                    </span>
                  )}
                  {preview.remembered && (
                    <span
                      className="tag"
                      data-testid="import-remembered"
                      title="Mapped as the last file with these columns"
                    >
                      mapping remembered for this header
                    </span>
                  )}
                </p>
              )}
            </header>
            <div className="dialog-body">
              {!preview || !mapping ? (
                <div className="skeleton-lines" aria-busy="true" data-testid="import-loading">
                  Reading the first rows…
                </div>
              ) : (
                <>
                  <TimeOptions preview={preview} mapping={mapping} onChange={change} />
                  <table className="grid-table import-columns" data-testid="import-columns">
                    <thead>
                      <tr>
                        <th scope="col">Column</th>
                        <th scope="col">Type</th>
                        <th scope="col">Role</th>
                        <th scope="col">Examples</th>
                      </tr>
                    </thead>
                    <tbody>
                      {preview.columns.map((c) => (
                        <ColumnRow
                          key={c.name}
                          column={c}
                          first={first?.columns.find((f) => f.name === c.name)}
                          role={roleOf(mapping, c.name)}
                          roles={CANONICAL_ROLES as readonly CanonicalRole[]}
                          onRole={(r) => setRole(c.name, r)}
                        />
                      ))}
                    </tbody>
                  </table>
                  {preview.label &&
                    !preview.label.numeric &&
                    roleOf(mapping, preview.label.column) === 'label' && (
                      <LabelValues
                        label={preview.label}
                        positive={mapping.positive ?? []}
                        onChange={(positive) =>
                          change({ ...mapping, positive: positive.length ? positive : undefined })
                        }
                      />
                    )}
                </>
              )}
              {error && (
                <p className="dialog-error" role="alert" data-testid="import-error">
                  {errorText(error)}
                </p>
              )}
            </div>
            <footer className="dialog-foot">
              <span className="muted small">
                The mapping is remembered in this case for files with the same columns.
              </span>
              <span className="spacer" />
              <Dialog.Close asChild>
                <button type="button" className="btn" data-testid="import-cancel">
                  Cancel <kbd>Esc</kbd>
                </button>
              </Dialog.Close>
              <button
                type="submit"
                className="btn primary"
                disabled={!canImport}
                data-testid="import-confirm"
              >
                Import <kbd>Enter</kbd>
              </button>
            </footer>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
