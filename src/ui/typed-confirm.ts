// What a chunk of input means to a typed confirmation (the one every dangerous action asks for): letters type,
// Backspace erases, Enter answers, Esc declines, Ctrl-C quits. Pure, so it is tested without a terminal.
import type { Key } from 'ink';

export type ConfirmInput =
  | { kind: 'type'; text: string }
  | { kind: 'erase' }
  /** Enter; `text` is what arrived before it in the same chunk */
  | { kind: 'submit'; text: string }
  | { kind: 'cancel' }
  | { kind: 'quit' }
  | { kind: 'none' };

export function readConfirmInput(input: string, key: Key): ConfirmInput {
  if (key.ctrl && input === 'c') return { kind: 'quit' };
  if (key.return) return { kind: 'submit', text: '' };
  if (key.escape) return { kind: 'cancel' };
  // "yes⏎" typed (or pasted) quickly arrives as one chunk
  if (input.includes('\r')) return { kind: 'submit', text: input.slice(0, input.indexOf('\r')) };
  if (key.backspace || key.delete) return { kind: 'erase' };
  if (input && !key.ctrl && !key.meta) return { kind: 'type', text: input };
  return { kind: 'none' };
}

/** The input line under a typed confirmation, `width` wide: "> typed▌", its end in view when it is longer. */
export function confirmField(typed: string, width: number): string {
  const field = `> ${typed}▌`;
  return field.length > width ? `> …${field.slice(field.length - width + 3)}` : field;
}
