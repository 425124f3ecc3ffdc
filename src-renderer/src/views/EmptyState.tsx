// What the main area says when there is nothing to show, and what to do next.
import type { ReactNode } from 'react';

export interface EmptyStateProps {
  title: string;
  detail?: ReactNode;
  tone?: 'neutral' | 'error';
  action?: { label: string; onClick: () => void; testId?: string; title?: string; disabled?: boolean };
  children?: ReactNode;
  testId?: string;
}

export function EmptyState({
  title,
  detail,
  tone = 'neutral',
  action,
  children,
  testId = 'empty-state',
}: EmptyStateProps) {
  return (
    <div className={`empty-state${tone === 'error' ? ' error' : ''}`} data-testid={testId} role="status">
      <h2 className="empty-title">{title}</h2>
      {detail && <p className="empty-detail">{detail}</p>}
      {action && (
        <button
          type="button"
          className="btn primary"
          onClick={action.onClick}
          disabled={action.disabled}
          data-testid={action.testId}
          title={action.title}
        >
          {action.label}
        </button>
      )}
      {children}
    </div>
  );
}
