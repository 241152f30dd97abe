/** The line beside the Generate button. */
import { byId } from './dom';

/** For a confirmation ("Submitted."); errors stay until the next action. */
const STATUS_MS = 5000;
let statusTimer: ReturnType<typeof setTimeout> | undefined;

export function setStatus(text: string, error = false): void {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('error', error);
  if (statusTimer !== undefined) clearTimeout(statusTimer);
  statusTimer = text && !error ? setTimeout(() => setStatus(''), STATUS_MS) : undefined;
}
