// What to tell the analyst: errors and information in a banner (with what to do about them),
// and short notices that go away by themselves.
import { formatError, type AppError } from '../../../src-shared/result';
import type { Slice } from './types';

export interface BannerMessage {
  id: number;
  text: string;
  /** `info` for things the analyst did on purpose (a cancelled import). */
  tone: 'error' | 'info';
  /** What to do about it, when we know. */
  hint?: string;
}

export interface Notice {
  id: number;
  text: string;
}

export interface NoticesSlice {
  errors: BannerMessage[];
  notices: Notice[];
  /** The next id of a message (banner, notice or upload). */
  nextMessageId: number;
  takeMessageId(): number;
  showError(error: AppError, context?: string): void;
  showInfo(text: string): void;
  dismissErrors(): void;
  dismissError(id: number): void;
  showNotice(text: string): void;
  dismissNotice(id: number): void;
}

const HINTS: Partial<Record<AppError['code'], string>> = {
  MALFORMED_INPUT: 'Fix the file at that spot and import it again.',
  NO_CASE: 'Open or create a case first.',
  NOT_A_CASE: 'Choose a .sentinel case file.',
  CASE_TOO_NEW: 'Update SentinelRisk Workstation to open this case.',
  BUSY: 'Wait for the running job to finish, or cancel it.',
  FORBIDDEN: 'Reload the page from the address `sentinel serve` printed.',
};

const NOTICE_MS = 5000;

export const createNoticesSlice: Slice<NoticesSlice> = (set, get) => ({
  errors: [],
  notices: [],
  nextMessageId: 1,
  takeMessageId() {
    const id = get().nextMessageId;
    set({ nextMessageId: id + 1 });
    return id;
  },
  showError(error, context) {
    const text = context ? `${context}: ${formatError(error)}` : formatError(error);
    // The same failure twice in a row (e.g. a retry) is one message, not two.
    if (get().errors.some((e) => e.text === text)) return;
    const message = { id: get().takeMessageId(), text, tone: 'error' as const, hint: HINTS[error.code] };
    set((s) => ({ errors: [...s.errors, message].slice(-5) }));
  },
  showInfo(text) {
    const message = { id: get().takeMessageId(), text, tone: 'info' as const };
    set((s) => ({ errors: [...s.errors, message].slice(-5) }));
  },
  dismissErrors: () => set({ errors: [] }),
  dismissError: (id) => set((s) => ({ errors: s.errors.filter((e) => e.id !== id) })),
  showNotice(text) {
    const id = get().takeMessageId();
    set((s) => ({ notices: [...s.notices, { id, text }].slice(-3) }));
    setTimeout(() => get().dismissNotice(id), NOTICE_MS);
  },
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
