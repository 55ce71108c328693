// An operator action: a button that opens a <dialog> asking for a reason, then calls the API
// and reports what it answered in the page's aria-live region.
import { useId, useRef, useState } from 'preact/hooks';
import { ApiRequestFailed } from '../errors';

export interface ActionResult {
  ok: boolean;
  text: string;
  /** Where to follow what the action started. */
  link?: { href: string; label: string };
}

export type Reply = string | Omit<ActionResult, 'ok'>;

export interface ActionProps {
  label: string;
  /** The button's accessible name when several buttons share one label. */
  name?: string;
  small?: boolean;
  title: string;
  description: string;
  danger?: boolean;
  /** Calls the API with the reason; resolves to what to tell the user. */
  run: (reason: string) => Promise<Reply>;
  onResult: (result: ActionResult) => void;
}

export function describeError(error: unknown): string {
  if (error instanceof ApiRequestFailed) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export function ActionButton(props: ActionProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();

  const open = () => {
    setReason('');
    dialog.current?.showModal();
  };
  const close = () => {
    dialog.current?.close();
    opener.current?.focus();
  };

  async function confirm(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const text = reason.trim();
    if (text === '' || busy) return;
    setBusy(true);
    try {
      const reply = await props.run(text);
      props.onResult({ ok: true, ...(typeof reply === 'string' ? { text: reply } : reply) });
    } catch (error) {
      props.onResult({ ok: false, text: `${props.label} failed: ${describeError(error)}` });
    } finally {
      setBusy(false);
      close();
    }
  }

  return (
    <>
      <button
        ref={opener}
        type="button"
        class={`button${props.danger ? ' danger' : ''}${props.small ? ' small' : ''}`}
        aria-label={props.name}
        onClick={open}
      >
        {props.label}
      </button>
      <dialog ref={dialog} aria-labelledby={`${id}-title`} aria-describedby={`${id}-description`}>
        <form onSubmit={(e) => void confirm(e)}>
          <h2 id={`${id}-title`}>{props.title}</h2>
          <p id={`${id}-description`}>{props.description}</p>
          <label for={`${id}-reason`}>Reason (recorded in the ledger)</label>
          <textarea
            id={`${id}-reason`}
            required
            maxLength={1000}
            rows={3}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <div class="dialog-buttons">
            <button type="button" class="button secondary" onClick={close}>
              Cancel
            </button>
            <button type="submit" class={props.danger ? 'button danger' : 'button'} disabled={busy}>
              {busy ? 'Sending…' : 'Confirm'}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

/** The aria-live region where actions report what the API answered. */
export function ActionStatus({ result }: { result: ActionResult | null }) {
  return (
    <div
      class={`action-status${result ? (result.ok ? ' ok' : ' bad') : ''}`}
      role="status"
      aria-live="polite"
    >
      {result?.text ?? ''}
      {result?.link && (
        <>
          {' '}
          <a href={result.link.href}>{result.link.label}</a>
        </>
      )}
    </div>
  );
}
