// lazygit's toast: a line that stands in for the footer's keys for a few seconds, then goes by itself.
export const TOAST_MS = 4000;

/** The toast's text while it is fresh at `now`, otherwise undefined. */
export function toastText(toast: { text: string; at: number } | undefined, now: number): string | undefined {
  return toast && now - toast.at < TOAST_MS ? toast.text : undefined;
}
