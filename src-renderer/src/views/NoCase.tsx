// No case is open: say so, and offer to open or create one by path.
import { useId, useState } from 'react';
import { openCase, useStore } from '../store';
import { EmptyState } from './EmptyState';

export function NoCase() {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const folder = useStore((s) => s.casesFolder);
  const id = useId();
  const go = async (create: boolean) => {
    const p = path.trim();
    if (!p || busy) return;
    setBusy(true);
    try {
      await openCase(p, create);
    } finally {
      setBusy(false);
    }
  };
  return (
    <EmptyState
      title="Open a case or import data"
      detail={
        folder
          ? `A case is one .sentinel file holding every dataset of an investigation. Cases live in ${folder}: type a case's name to open it, or a new name to create one — then import CSV, TSV or JSON Lines files.`
          : 'A case is one .sentinel file holding every dataset of an investigation. Type its path to open it, or a new path to create one — then import CSV, TSV or JSON Lines files.'
      }
    >
      <form
        className="case-form"
        onSubmit={(e) => {
          e.preventDefault();
          void go(false);
        }}
      >
        <label htmlFor={id} className="visually-hidden">
          Case file path
        </label>
        <input
          id={id}
          className="input"
          type="text"
          placeholder={folder ? 'investigation.sentinel' : '/path/to/investigation.sentinel'}
          value={path}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setPath(e.target.value)}
          data-testid="case-path"
        />
        <button type="submit" className="btn primary" disabled={!path.trim() || busy} data-testid="case-open">
          Open
        </button>
        <button
          type="button"
          className="btn"
          disabled={!path.trim() || busy}
          onClick={() => void go(true)}
          data-testid="case-create"
        >
          Create
        </button>
      </form>
    </EmptyState>
  );
}
