// Running jobs (imports, the demo) with real progress, and uploads still on their way.
import { useStore, cancelJob, selectDemoJob } from '../store';
import type { JobProgress } from '../../../src-shared/domain';
import { formatBytes, formatDuration, formatInt, formatRate } from '../format';

export function ProgressBar({
  value,
  label,
  valueText,
  testId,
}: {
  value: number | null;
  label: string;
  valueText?: string;
  testId?: string;
}) {
  const pct = value === null ? null : Math.max(0, Math.min(100, value));
  return (
    <div
      className={pct === null ? 'progress indeterminate' : 'progress'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct === null ? undefined : Math.round(pct)}
      aria-valuetext={valueText ?? (pct === null ? 'in progress' : `${Math.round(pct)}%`)}
      data-testid={testId}
    >
      <div className="progress-fill" style={pct === null ? undefined : { width: `${pct}%` }} />
    </div>
  );
}

export function jobPercent(j: JobProgress): number | null {
  return j.totalBytes && j.totalBytes > 0 ? (Math.min(j.bytes, j.totalBytes) / j.totalBytes) * 100 : null;
}

export function JobCard({ job, large = false }: { job: JobProgress; large?: boolean }) {
  const pct = jobPercent(job);
  const cancelling = job.phase === 'cancelling';
  const sizeText = job.totalBytes ? `${formatBytes(job.bytes)} of ${formatBytes(job.totalBytes)}` : null;
  return (
    <section
      className={large ? 'job large' : 'job'}
      data-testid="job"
      aria-label={job.label}
      data-job-id={job.jobId}
    >
      <div className="job-head">
        <span className="job-label" data-testid="job-label" title={job.label}>
          {job.label}
        </span>
        <button
          type="button"
          className="btn ghost small"
          data-testid="job-cancel"
          onClick={() => void cancelJob(job.jobId)}
          disabled={cancelling}
          aria-label={`Cancel: ${job.label}`}
          title="Cancel this job"
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <div className="job-phase">
        <span>{job.phase}</span>
        {pct !== null && <span className="job-pct">{Math.floor(pct)}%</span>}
      </div>
      <ProgressBar
        value={pct}
        label={`${job.label} progress`}
        valueText={
          pct === null ? `${job.phase}, ${formatInt(job.rows)} rows` : `${Math.round(pct)}% (${sizeText})`
        }
        testId="job-progress"
      />
      <div className="job-stats">
        <span data-testid="job-rows">{formatInt(job.rows)} rows</span>
        <span>{formatRate(job.rowsPerSecond)}</span>
        <span title={sizeText ?? undefined}>{formatDuration(job.elapsedMs)}</span>
      </div>
    </section>
  );
}

export function JobsPanel() {
  const jobs = useStore((s) => s.jobs);
  const demo = useStore(selectDemoJob);
  const uploads = useStore((s) => s.uploads);
  // The demo job has the main area to itself while it builds the case.
  const list = Object.values(jobs).filter((j) => j !== demo);
  if (!list.length && !uploads.length) return null;
  return (
    <section className="jobs-panel" aria-label="Running jobs">
      <h2 className="sidebar-title">Jobs</h2>
      {uploads.map((u) => (
        <div key={u.id} className="job upload" data-testid="upload">
          <div className="job-head">
            <span className="job-label" title={u.fileName}>
              Uploading {u.fileName}
            </span>
          </div>
          <ProgressBar value={null} label={`Uploading ${u.fileName}`} />
        </div>
      ))}
      {list.map((j) => (
        <JobCard key={j.jobId} job={j} />
      ))}
    </section>
  );
}
