// Which files a request may name. The CLI and Electron name any file their user chose. Serve mode
// answers a page, and a page must not reach the machine's files: there, data and model files
// come only by upload, and cases (and the files a training writes) live in one cases folder,
// named relative to it; anything else is refused before a byte is read, so no error can quote
// a file the user did not choose.
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Method } from '../../src-shared/contract';
import { err, ok, type Result } from '../../src-shared/result';

/** Serve mode's limits: cases in this folder, data by upload. */
export interface PathPolicy {
  casesFolder: string;
}

type PathKind = 'case' | 'export' | 'data';

/** The requests that name files, and the kind of each field. */
const PATH_FIELDS: { [M in Method]?: Record<string, PathKind> } = {
  'case.open': { path: 'case' },
  'case.create': { path: 'case' },
  'demo.create': { path: 'case' },
  'model.train': { out: 'export' },
  'report.build': { out: 'export' },
  'ingest.start': { path: 'data' },
  'ingest.preview': { path: 'data' },
  'model.score': { path: 'data' },
};

/** The folder's real path, and whether `file` (resolved against it) lies inside it. */
function inside(folder: string, file: string): string | null {
  const root = realpathSync(folder);
  const resolved = path.resolve(root, file);
  // a link in the path must not lead out: the deepest existing parent is resolved for real
  let parent = path.dirname(resolved);
  while (!existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
  const real = path.join(realpathSync(parent), path.relative(parent, resolved));
  const rel = path.relative(root, existsSync(resolved) ? realpathSync(resolved) : real);
  const out = rel !== '' && rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel);
  return out ? path.join(root, rel) : null;
}

/** A link (even one whose target is missing) would be followed out of the folder when written. */
function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The files a training's export writes for `out` (see models/model-files.ts). */
const exportFiles = (out: string) => {
  const base = out.replace(/\.(onnx|json)$/i, '');
  return [out, `${base}.onnx`, `${base}.model.json`, `${base}.json`];
};

/**
 * Checks the file fields of a request against the policy (none: any file) and gives the params
 * with case paths resolved in the cases folder.
 */
export function checkPaths(method: Method, params: unknown, policy: PathPolicy | undefined): Result<unknown> {
  const fields = PATH_FIELDS[method];
  if (!policy || !fields || typeof params !== 'object' || params === null) return ok(params);
  const out: Record<string, unknown> = { ...(params as Record<string, unknown>) };
  for (const [field, kind] of Object.entries(fields)) {
    const given = out[field];
    if (typeof given !== 'string') continue;
    if (kind === 'data')
      return err(
        'FORBIDDEN',
        'in serve mode files come by upload: choose or drop the file in the page (a path on this machine is not accepted)',
      );
    const resolved = inside(policy.casesFolder, given);
    const written = resolved ? (kind === 'export' ? exportFiles(resolved) : [resolved]) : [];
    if (!resolved || written.some(isLink))
      return err(
        'FORBIDDEN',
        `in serve mode cases live in ${policy.casesFolder}: name a file inside it (such as investigation.sentinel)`,
      );
    out[field] = resolved;
  }
  return ok(out);
}
