// XGBoost's predict, one run at a time on request, from tests/bench/xgb_predict.py: for
// benchmarks that interleave it run by run with our own scoring.
import { spawn } from 'node:child_process';
import path from 'node:path';

/** Starts the reference on CSV `file`; null when python3-xgboost is missing. */
export async function xgbPredictor(file, extra = []) {
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'xgb_predict.py');
  const py = spawn('/usr/bin/python3', [script, file, ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = [];
  let wake = null;
  let buf = '';
  let closed = false;
  py.stdout.on('data', (d) => {
    buf += d;
    for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) lines.push(buf.slice(0, i));
    wake?.();
  });
  py.on('close', () => {
    closed = true;
    wake?.();
  });
  py.on('error', () => {
    closed = true;
    wake?.();
  });
  const line = async () => {
    while (!lines.length && !closed) await new Promise((r) => (wake = r));
    return lines.shift() ?? null;
  };
  if ((await line()) !== 'ready') return null;
  return {
    /** One predict over the test rows: { seconds, rows }. */
    async predict() {
      py.stdin.write('go\n');
      const l = await line();
      if (l === null) throw new Error('the XGBoost reference stopped');
      const [seconds, rows] = l.split(' ').map(Number);
      return { seconds, rows };
    },
    close: () => py.stdin.end(),
  };
}
