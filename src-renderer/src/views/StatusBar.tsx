// Rows matched, query time, shell and connection, and the keyboard shortcuts.
import { formatCount, formatInt, formatMs, MOD_KEY } from '../format';
import { EMPTY_QUERY, selectDataset, useStore } from '../store';

export function StatusBar() {
  const dataset = useStore(selectDataset);
  const status = useStore((s) => s.tableStatus);
  const filters = useStore(
    (s) =>
      (s.selectedDatasetId === null ? EMPTY_QUERY : (s.queries[s.selectedDatasetId] ?? EMPTY_QUERY)).filters,
  );
  const shell = useStore((s) => s.shell);
  const connection = useStore((s) => s.connection);

  const mine = dataset && status?.datasetId === dataset.id ? status : null;
  // Without filters the dataset's own row count is the answer, even before the first page.
  const total = mine?.total ?? (dataset && filters.length === 0 ? dataset.rows : null);

  let rowsText: string | null = null;
  if (dataset) {
    if (mine?.error) rowsText = 'Query failed';
    else if (total === null) rowsText = 'Counting rows…';
    else rowsText = formatCount(total, 'row');
  }

  return (
    <footer className="statusbar">
      {dataset && (
        <>
          <span className="status-item strong" data-testid="row-count" aria-live="polite">
            {rowsText}
          </span>
          {filters.length > 0 && total !== null && !mine?.error && (
            <span className="status-item muted">filtered from {formatInt(dataset.rows)}</span>
          )}
          {mine?.elapsedMs !== null && mine?.elapsedMs !== undefined && (
            <span
              className="status-item muted"
              data-testid="query-ms"
              title="Time the engine spent on the last page of events"
            >
              {formatMs(mine.elapsedMs)}
            </span>
          )}
          {mine?.loading && <span className="status-item muted">loading…</span>}
        </>
      )}
      <span className="status-spacer" />
      {connection && connection !== 'open' && (
        <span className="status-item warn" role="status">
          {connection === 'connecting' ? 'Connecting…' : 'Connection lost — reconnecting…'}
        </span>
      )}
      {shell && (
        <span className="status-item muted" title="How this workstation is running">
          {shell === 'serve' ? 'serve mode' : 'desktop'}
        </span>
      )}
      <span className="status-item muted keys" aria-label="Keyboard shortcuts">
        <kbd>{MOD_KEY}+I</kbd> import <kbd>/</kbd> filter <kbd>↑</kbd>
        <kbd>↓</kbd> datasets <kbd>Esc</kbd> clear
      </span>
    </footer>
  );
}
