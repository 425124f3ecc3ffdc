// Product, case, theme and the Import button (with its hidden file input).
import { baseName, MOD_KEY } from '../format';
import { importFiles, setLiveOpen, toggleTheme, useStore } from '../store';

export const IMPORT_INPUT_ID = 'import-input';
export const IMPORT_ACCEPT = '.csv,.tsv,.tab,.jsonl,.ndjson,.json,.txt';

/** Opens the file picker (the Import button and Ctrl+I). */
export function openImportPicker(): void {
  document.getElementById(IMPORT_INPUT_ID)?.click();
}

export function TopBar() {
  const casePath = useStore((s) => s.caseInfo?.path ?? null);
  const theme = useStore((s) => s.theme);
  const liveOpen = useStore((s) => s.liveOpen);
  const streaming = useStore((s) => Object.values(s.jobs).some((j) => j.kind === 'stream'));
  const nextTheme = theme === 'dark' ? 'light' : 'dark';

  return (
    <header className="topbar">
      <div className="brand" aria-label="SentinelRisk Workstation">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">SentinelRisk</span>
      </div>
      <span className="topbar-sep" aria-hidden="true">
        /
      </span>
      <span className="case-name" data-testid="case-name" title={casePath ?? 'No case open'}>
        {casePath ? baseName(casePath) : 'No case open'}
      </span>
      <div className="topbar-spacer" />
      <button
        type="button"
        className={liveOpen ? 'btn ghost on' : 'btn ghost'}
        onClick={() => setLiveOpen(!liveOpen)}
        aria-pressed={liveOpen}
        title="Live stream: simulated traffic through the rules, attacks on demand (L)"
        aria-keyshortcuts="L"
        data-testid="live-toggle"
      >
        {streaming && <span className="live-dot" aria-label="streaming" />}
        Live <kbd>L</kbd>
      </button>
      <button
        type="button"
        className="btn ghost icon"
        onClick={toggleTheme}
        aria-label={`Switch to ${nextTheme} theme`}
        title={`Switch to ${nextTheme} theme`}
        data-testid="theme-toggle"
      >
        <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
      </button>
      <button
        type="button"
        className="btn primary"
        data-testid="import-button"
        onClick={openImportPicker}
        title={`Import CSV, TSV or JSON Lines files (${MOD_KEY}+I)`}
        aria-keyshortcuts="Control+I Meta+I"
      >
        Import
      </button>
      <input
        id={IMPORT_INPUT_ID}
        data-testid="import-input"
        type="file"
        accept={IMPORT_ACCEPT}
        multiple
        hidden
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const files = e.target.files ? Array.from(e.target.files) : [];
          // Let the same file be chosen again later.
          e.target.value = '';
          if (files.length) void importFiles(files);
        }}
      />
    </header>
  );
}
