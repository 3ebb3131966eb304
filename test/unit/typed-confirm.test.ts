import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { confirmField, readConfirmInput } from '../../src/ui/typed-confirm.js';

const NONE = Object.fromEntries(
  ['upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageDown', 'pageUp', 'home', 'end', 'return', 'escape', 'ctrl', 'shift', 'tab', 'backspace', 'delete', 'meta', 'super', 'hyper', 'capsLock', 'numLock'].map((k) => [k, false]),
) as unknown as Key;
const key = (k: Partial<Key> = {}): Key => ({ ...NONE, ...k });

describe('a typed confirmation reads a chunk of input', () => {
  it('as letters, Backspace, Enter, Esc and Ctrl-C', () => {
    expect(readConfirmInput('y', key())).toEqual({ kind: 'type', text: 'y' });
    expect(readConfirmInput('127.0.0.1:7002', key())).toEqual({ kind: 'type', text: '127.0.0.1:7002' });
    expect(readConfirmInput('', key({ backspace: true }))).toEqual({ kind: 'erase' });
    expect(readConfirmInput('', key({ delete: true }))).toEqual({ kind: 'erase' });
    expect(readConfirmInput('\r', key({ return: true }))).toEqual({ kind: 'submit', text: '' });
    expect(readConfirmInput('', key({ escape: true, meta: true }))).toEqual({ kind: 'cancel' });
    expect(readConfirmInput('c', key({ ctrl: true }))).toEqual({ kind: 'quit' });
    expect(readConfirmInput('a', key({ ctrl: true }))).toEqual({ kind: 'none' });
    expect(readConfirmInput('', key({ upArrow: true }))).toEqual({ kind: 'none' });
  });

  it('with the word and Enter in one chunk, as typed quickly or pasted', () => {
    expect(readConfirmInput('yes\r', key())).toEqual({ kind: 'submit', text: 'yes' });
    expect(readConfirmInput('yes\rjunk', key())).toEqual({ kind: 'submit', text: 'yes' });
  });
});

describe('the > line', () => {
  it('shows what was typed, its end in view when longer than the width', () => {
    expect(confirmField('ye', 20)).toBe('> ye▌');
    const long = confirmField('x'.repeat(40) + 'END', 20);
    expect(long).toHaveLength(20);
    expect(long).toMatch(/^> …x+END▌$/);
  });
});
