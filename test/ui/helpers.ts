// Shared by the console tests: frames without ANSI codes, and waiting for what a frame should show.

// eslint-disable-next-line no-control-regex
export const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[?0-9;]*[a-zA-Z]/g, '');

/** Waits until check() is true (every 20 ms), or fails naming what it waited for. */
export async function until(check: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
