// usePoll: a GET repeated with If-None-Match, paused while the tab is hidden and stopped on unmount.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { getIfChanged } from './api';
import { ApiRequestFailed } from './errors';

export interface Polled<T> {
  data: T | null;
  error: ApiRequestFailed | null;
  /** Polls now (after an action), without waiting for the next turn. */
  refresh: () => void;
}

interface State<T> {
  path: string | null;
  data: T | null;
  error: ApiRequestFailed | null;
}

/**
 * Polls `path` every `every(data, error)` milliseconds. A 304 keeps the data as it is, so nothing
 * re-renders; so does a 200 whose body is the same as before (for answers without an ETag).
 */
export function usePoll<T>(
  path: string | null,
  every: (data: T | null, error: ApiRequestFailed | null) => number,
): Polled<T> {
  const [state, setState] = useState<State<T>>({ path, data: null, error: null });
  const everyRef = useRef(every);
  everyRef.current = every;
  const poke = useRef<() => void>(() => undefined);

  useEffect(() => {
    if (path === null) return;
    let etag: string | null = null;
    let lastText = '';
    let last: T | null = null;
    let lastError: ApiRequestFailed | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | null = null;
    let stopped = false;

    const schedule = (ms: number) => {
      clearTimeout(timer);
      if (!stopped && !document.hidden) timer = setTimeout(run, ms);
    };

    async function tick(signal: AbortSignal): Promise<void> {
      try {
        const answer = await getIfChanged<T>(path!, etag, signal);
        if (answer.changed) {
          etag = answer.etag;
          const text = JSON.stringify(answer.data);
          if (text !== lastText) {
            lastText = text;
            last = answer.data;
            setState({ path, data: answer.data, error: null });
          }
        }
        lastError = null;
        setState((s) => (s.error === null ? s : { ...s, error: null }));
      } catch (error) {
        if (signal.aborted) return;
        const failure =
          error instanceof ApiRequestFailed
            ? error
            : new ApiRequestFailed(0, 'ClientError', String(error), { cause: error });
        lastError = failure;
        setState((s) =>
          s.path === path && s.error?.code === failure.code && s.error.message === failure.message
            ? s
            : { path, data: s.path === path ? s.data : null, error: failure },
        );
      }
    }

    function run(): void {
      if (stopped || document.hidden) return;
      clearTimeout(timer);
      controller?.abort();
      const mine = new AbortController();
      controller = mine;
      void tick(mine.signal).then(() => {
        if (controller === mine) schedule(everyRef.current(last, lastError));
      });
    }

    const onVisibility = () => {
      if (document.hidden) {
        clearTimeout(timer);
        controller?.abort();
      } else run();
    };
    poke.current = run;
    document.addEventListener('visibilitychange', onVisibility);
    run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisibility);
      poke.current = () => undefined;
    };
  }, [path]);

  const refresh = useCallback(() => poke.current(), []);
  const current = state.path === path;
  return { data: current ? state.data : null, error: current ? state.error : null, refresh };
}
