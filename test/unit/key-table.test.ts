// The key table as data: each binding's keys are characters or named keys, matched by one function.
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { actionFor, actionsFor, keyIs } from '../../src/ui/keys.js';

const NONE = Object.fromEntries(
  ['upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageDown', 'pageUp', 'home', 'end', 'return', 'escape', 'ctrl', 'shift', 'tab', 'backspace', 'delete', 'meta', 'super', 'hyper', 'capsLock', 'numLock'].map((k) => [k, false]),
) as unknown as Key;
const key = (k: Partial<Key> = {}): Key => ({ ...NONE, ...k });

describe('the key table', () => {
  it('Ctrl-C quits; it is not c (compare), and Ctrl or Meta with a letter is not that letter', () => {
    expect(actionFor('c', key({ ctrl: true }))).toBe('quit');
    expect(actionFor('c', key())).toBe('compare');
    expect(actionFor('s', key({ ctrl: true }))).toBeUndefined();
    expect(actionFor('f', key({ meta: true }))).toBeUndefined();
  });

  it('named keys and characters', () => {
    expect(actionFor('', key({ upArrow: true }))).toBe('up');
    expect(actionFor('k', key())).toBe('up');
    expect(actionFor('S', key({ shift: true }))).toBe('markSource');
    expect(actionFor('', key({ escape: true, meta: true }))).toBe('back');
    expect(actionsFor('jj\r', key())).toEqual(['down', 'down', 'details']);
    expect(keyIs('tab', '', key({ tab: true }))).toBe(true);
    expect(keyIs('?', '?', key())).toBe(true);
  });
});
