// Messages between a parse worker and the DB worker during one ingest (over a MessagePort).
import type { ColumnInfo, DataFormat } from '../../../src-shared/domain';
import type { AppError } from '../../../src-shared/result';

/** A column of a batch: numbers (NaN = NULL) for INTEGER/REAL, strings for TEXT. */
export type BatchColumn = Float64Array | (string | null)[];

export type ParseToDb =
  | { type: 'schema'; columns: ColumnInfo[]; timeColumn: string | null; format: DataFormat }
  | { type: 'batch'; rows: number; bytes: number; ts: Float64Array; cols: BatchColumn[] }
  | { type: 'end'; rows: number; bytes: number }
  | { type: 'fail'; error: AppError };

export type DbToParse = { type: 'ack' };

/** Cancellation is a shared flag, so a busy loop can see it without a message. */
export const isCancelled = (flag: Int32Array): boolean => Atomics.load(flag, 0) !== 0;
export const requestCancel = (flag: Int32Array): void => {
  Atomics.store(flag, 0, 1);
};
