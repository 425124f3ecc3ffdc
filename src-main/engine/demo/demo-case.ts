// The demo case's file: whether one at a path is current, stale (built by an older recipe, which
// the shells set aside and build again) or someone else's, and setting a stale one aside.
import { existsSync, renameSync } from 'node:fs';
import { closeCaseDb, openCaseDb } from '../db/open-case';
import { DEMO_DATASETS, DEMO_RECIPE, DEMO_RECIPE_KEY } from './demo-data';

/**
 * The demo case at `file`: missing; current; stale (a demo built by an older recipe); or other
 * (not a demo: someone's case, left alone).
 */
export function demoStatus(file: string): 'missing' | 'current' | 'stale' | 'other' {
  if (!existsSync(file)) return 'missing';
  try {
    const db = openCaseDb(file, { readonly: true });
    try {
      const v = db.prepare('SELECT value FROM case_meta WHERE key = ?').pluck().get(DEMO_RECIPE_KEY);
      if (v !== undefined) return v === String(DEMO_RECIPE) ? 'current' : 'stale';
      // Demos from before the recipe was recorded: the demo's four datasets and nothing else.
      const names = (db.prepare('SELECT name FROM datasets ORDER BY id').pluck().all() as string[]).join();
      return names === DEMO_DATASETS.join() ? 'stale' : 'other';
    } finally {
      closeCaseDb(db);
    }
  } catch {
    return 'other'; // not a case we can read: opening it says why
  }
}

/** Moves an out-of-date demo case aside (nothing is deleted); returns where it went. */
export function retireDemo(file: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const to = `${file.replace(/\.sentinel$/, '')}-${stamp}.old.sentinel`;
  renameSync(file, to);
  for (const suffix of ['-wal', '-shm'])
    if (existsSync(file + suffix)) renameSync(file + suffix, to + suffix);
  return to;
}
