// This installation's identity: a random id kept in the user's folder ($SENTINEL_HOME, else
// ~/.sentinelrisk). The typed column chunks this installation writes into a case are marked with
// it; chunks that carry another mark (a case from elsewhere: anyone could have written them to
// differ from the rows) are not read, and are written again from the rows.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ID = /^[0-9a-f]{32}$/;
let cached: string | null = null;

export function installId(): string {
  if (cached) return cached;
  const home = process.env.SENTINEL_HOME ?? path.join(os.homedir(), '.sentinelrisk');
  const file = path.join(home, 'install-id');
  const read = () => {
    try {
      const v = readFileSync(file, 'utf8').trim();
      return ID.test(v) ? v : null;
    } catch {
      return null;
    }
  };
  let id = read();
  if (!id) {
    const fresh = randomBytes(16).toString('hex');
    try {
      mkdirSync(home, { recursive: true });
      writeFileSync(file, fresh, { flag: 'wx' });
    } catch {
      // another process wrote it first (read it), or the folder cannot be written (this
      // process's id: chunks written now are trusted by this process only)
    }
    id = read() ?? fresh;
  }
  cached = id;
  return id;
}
