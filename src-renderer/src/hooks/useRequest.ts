// The one way a view fetches: call a request, and call it again when its params change, when
// results may have changed (a job finished, a verdict was given) or when the line came back.
// An answer to an older call is dropped, never shown over a newer one.
import { useEffect, useState } from 'react';
import type { Method, Params, ResultOf } from '../../../src-shared/contract';
import type { AppError } from '../../../src-shared/result';
import { appBridge, showError, useStore } from '../store';

export interface RequestState<T> {
  /** The last answer (kept while a newer call is on its way). */
  data: T | null;
  error: AppError | null;
  loading: boolean;
}

/**
 * `params` null: nothing is asked (yet). `errorContext`: a failure is also shown in the banner,
 * under this heading ("Could not list the alerts").
 */
export function useRequest<M extends Method>(
  method: M,
  params: Params<M> | null,
  errorContext?: string,
): RequestState<ResultOf<M>> {
  const dataVersion = useStore((s) => s.dataVersion);
  const epoch = useStore((s) => s.connectionEpoch);
  const key = params === null ? null : JSON.stringify(params);
  const [state, setState] = useState<RequestState<ResultOf<M>>>({
    data: null,
    error: null,
    loading: key !== null,
  });

  useEffect(() => {
    if (key === null) return;
    let current = true;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    void appBridge()
      .invoke(method, JSON.parse(key) as Params<M>)
      .then((r) => {
        if (!current) return;
        if (r.ok) setState({ data: r.value, error: null, loading: false });
        else {
          setState((s) => ({ data: s.data, error: r.error, loading: false }));
          if (errorContext) showError(r.error, errorContext);
        }
      });
    return () => {
      current = false;
    };
  }, [method, key, dataVersion, epoch, errorContext]);

  return state;
}
