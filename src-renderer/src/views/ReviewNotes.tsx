// An item's review history and its notes, alike for events and rule alerts: every verdict given
// or cleared and every note, newest first, and a note form (N opens it; Ctrl+Enter saves, Esc
// closes). Notes are kept in the case's review journal.
import { useEffect, useRef, useState } from 'react';
import { NOTE_MAX, type ReviewEntry, type ReviewTarget } from '../../../src-shared/domain';
import { formatTs } from '../format';
import { useRequest } from '../hooks/useRequest';
import { appBridge, bumpData, showError, showNotice } from '../store';

const VERDICT_WORDS: Record<string, string> = {
  confirmed: 'confirmed',
  false_positive: 'false positive',
  unsure: 'unsure',
};

function entryText(e: ReviewEntry): string {
  if (e.action === 'review') return 'rule reviewed and enabled again';
  if (e.action === 'note') return '';
  return e.verdict ? `marked ${VERDICT_WORDS[e.verdict] ?? e.verdict}` : 'verdict cleared';
}

export function ReviewNotes({ target, openSignal }: { target: ReviewTarget; openSignal: number }) {
  const { data: history } = useRequest('review.history', target);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const box = useRef<HTMLTextAreaElement | null>(null);
  const key = JSON.stringify(target);

  // a new item closes the form; N (a new signal) opens it
  useEffect(() => {
    setOpen(false);
    setText('');
  }, [key]);
  useEffect(() => {
    if (openSignal > 0) setOpen(true);
  }, [openSignal]);
  useEffect(() => {
    if (open) box.current?.focus();
  }, [open]);

  const save = async () => {
    if (!text.trim() || saving) return;
    setSaving(true);
    const r = await appBridge().invoke('review.note', { ...target, note: text.trim() });
    setSaving(false);
    if (!r.ok) {
      showError(r.error, 'Could not keep the note');
      return;
    }
    setText('');
    setOpen(false);
    showNotice('Note kept with the item');
    bumpData();
  };

  const entries = [...(history ?? [])].reverse();
  return (
    <section className="review-notes" data-testid="review-notes">
      <h3>
        Notes and history {entries.length > 0 && <span className="muted h3-note">{entries.length}</span>}
      </h3>
      {open ? (
        <div className="note-form">
          <textarea
            ref={box}
            value={text}
            maxLength={NOTE_MAX}
            rows={3}
            placeholder="What you saw, whom you called, what is pending…"
            aria-label="Note"
            data-testid="note-text"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void save();
              } else if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setOpen(false);
              }
            }}
          />
          <div className="note-actions">
            <button
              type="button"
              className="btn small primary"
              disabled={!text.trim() || saving}
              onClick={() => void save()}
              data-testid="note-save"
            >
              Keep note <kbd>Ctrl</kbd>
              <kbd>Enter</kbd>
            </button>
            <button type="button" className="btn small ghost" onClick={() => setOpen(false)}>
              Cancel <kbd>Esc</kbd>
            </button>
          </div>
        </div>
      ) : null}
      {entries.length === 0 ? (
        !open && <p className="muted small">No verdict or note yet. N writes a note.</p>
      ) : (
        <ol className="review-list" data-testid="review-list">
          {entries.map((e) => (
            <li key={e.id} className={`review-entry ${e.action}`}>
              <span className="muted mono">{formatTs(Date.parse(e.at)).slice(5, 16)}</span>{' '}
              {entryText(e) && <b>{entryText(e)}</b>}
              {e.note && <span className="review-note">{e.note}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
