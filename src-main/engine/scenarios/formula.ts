// Cost formulas of business rules: numbers, named variables, + - * / and parentheses.
// A tiny recursive-descent parser: nothing from a config file is ever evaluated as code.
import { fail } from '../../../src-shared/result';

export type Formula = (vars: Record<string, number>) => number;

export function compileFormula(text: string, variables: readonly string[], where: string): Formula {
  const tokens =
    text.match(/\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/()]|\S)/g)?.map((t) => t.trim()) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const bad = (why: string): never => fail('BAD_REQUEST', `${where}: cost formula "${text}": ${why}`);
  type Node = (v: Record<string, number>) => number;
  const primary = (): Node => {
    const t = tokens[i++];
    if (t === undefined) return bad('ends too soon');
    if (t === '(') {
      const e = expr();
      if (tokens[i++] !== ')') bad('a parenthesis is not closed');
      return e;
    }
    if (t === '-') {
      const p = primary();
      return (v) => -p(v);
    }
    if (/^\d/.test(t)) {
      const n = Number(t);
      return () => n;
    }
    if (/^[A-Za-z_]/.test(t)) {
      if (!variables.includes(t)) bad(`unknown name "${t}" (known: ${variables.join(', ')})`);
      return (v) => v[t] ?? 0;
    }
    return bad(`unexpected "${t}"`);
  };
  const term = (): Node => {
    let left = primary();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[i++];
      const l = left;
      const r = primary();
      left = op === '*' ? (v) => l(v) * r(v) : (v) => l(v) / r(v);
    }
    return left;
  };
  const expr = (): Node => {
    let left = term();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[i++];
      const l = left;
      const r = term();
      left = op === '+' ? (v) => l(v) + r(v) : (v) => l(v) - r(v);
    }
    return left;
  };
  const root = expr();
  if (i !== tokens.length) bad(`unexpected "${tokens[i]}"`);
  return (vars) => {
    const x = root(vars);
    return Number.isFinite(x) ? Math.round(x * 100) / 100 : 0;
  };
}
