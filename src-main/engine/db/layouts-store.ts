// Import mappings remembered per header layout (import_layouts), and the mapping each dataset
// was imported with (dataset_mappings). Written in the import's own transaction: a failed or
// cancelled import remembers nothing.
import { createHash } from 'node:crypto';
import { importMappingSchema } from '../../../src-shared/contract';
import type { ImportMapping } from '../../../src-shared/import';
import type { DB } from './open-case';
import { read } from './session-ops';

/** A header layout: the ordered column names, trimmed and lower-cased, hashed (32 hex digits). */
export function layoutKey(names: readonly string[]): string {
  const normal = names.map((n) => n.normalize('NFC').trim().toLowerCase());
  return createHash('sha256').update(JSON.stringify(normal)).digest('hex').slice(0, 32);
}

/** What an import leaves behind: its layout and the mapping it was made with. */
export interface LayoutRecord {
  layout: string;
  columns: string[];
  mapping: ImportMapping;
}

/** A mapping read from the case (which anyone may have written): null when it is not one. */
function parseMapping(text: string | undefined): ImportMapping | null {
  if (text === undefined) return null;
  try {
    const r = importMappingSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** Remembers the mapping for the layout and for the dataset (inside the import's transaction). */
export function saveLayout(db: DB, datasetId: number, rec: LayoutRecord): void {
  const mapping = JSON.stringify(rec.mapping);
  db.prepare(
    `INSERT INTO import_layouts (layout, columns, mapping, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (layout) DO UPDATE SET columns = excluded.columns, mapping = excluded.mapping, updated_at = excluded.updated_at`,
  ).run(rec.layout, JSON.stringify(rec.columns), mapping, new Date().toISOString());
  db.prepare('INSERT OR REPLACE INTO dataset_mappings (dataset_id, layout, mapping) VALUES (?, ?, ?)').run(
    datasetId,
    rec.layout,
    mapping,
  );
}

export function readLayout(db: DB, layout: string): ImportMapping | null {
  const text = db.prepare('SELECT mapping FROM import_layouts WHERE layout = ?').pluck().get(layout) as
    string | undefined;
  return parseMapping(text);
}

/** The mapping a dataset was imported with, or null. */
export function readDatasetMapping(db: DB, datasetId: number): ImportMapping | null {
  const text = db
    .prepare('SELECT mapping FROM dataset_mappings WHERE dataset_id = ?')
    .pluck()
    .get(datasetId) as string | undefined;
  return parseMapping(text);
}

export const layoutOps = {
  /** The mapping remembered for a header layout, or null. */
  importLayout: read((s, layout: string) => readLayout(s.reader, layout)),
  /** The mapping a dataset was imported with, or null. */
  datasetMapping: read((s, datasetId: number) => readDatasetMapping(s.reader, datasetId)),
};
