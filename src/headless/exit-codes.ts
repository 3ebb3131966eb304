// The exit codes of every cutover command, one table (the README's "Exit codes" says the same).

export const EXIT = {
  /** done: copied and identical, the new topology in place, no acknowledged write lost */
  ok: 0,
  /** could not connect or discover, a step or key failed, differences found, writes lost */
  failed: 1,
  /** bad input, or refused before anything was written (a non-empty target, no confirmation): nothing changed */
  badInput: 2,
  /** stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it) */
  stopped: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
