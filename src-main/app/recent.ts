// Recently opened cases, kept in the user-data folder.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const MAX = 10;

export class RecentCases {
  private readonly file: string;
  constructor(userData: string) {
    this.file = path.join(userData, 'recent-cases.json');
  }
  list(): string[] {
    try {
      const v: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return Array.isArray(v)
        ? v.filter((p): p is string => typeof p === 'string' && existsSync(p)).slice(0, MAX)
        : [];
    } catch {
      return [];
    }
  }
  add(casePath: string): void {
    const next = [casePath, ...this.list().filter((p) => p !== casePath)].slice(0, MAX);
    writeFileSync(this.file, JSON.stringify(next, null, 2));
  }
}
