// Checks on the build that Electron would otherwise only reveal at run time (its binary is not
// on every machine): a sandboxed preload may require nothing but 'electron'.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const out = path.resolve(__dirname, '../../out');

describe('the build', () => {
  it('has a preload that requires only electron (sandboxed preloads cannot load modules)', () => {
    const file = path.join(out, 'preload', 'index.cjs');
    expect(existsSync(file)).toBe(true);
    const requires = [...readFileSync(file, 'utf8').matchAll(/require\(["']([^"']+)["']\)/g)].map(
      (m) => m[1],
    );
    expect(requires).toEqual(['electron']);
  });

  it('puts each engine worker beside the code that spawns it', () => {
    for (const name of [
      'index',
      'cli',
      'engine',
      'db-worker',
      'parse-worker',
      'demo-worker',
      'compute-worker',
    ]) {
      expect(existsSync(path.join(out, 'main', `${name}.js`))).toBe(true);
    }
  });
});
