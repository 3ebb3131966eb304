// The leaf formatting module: one way to write a size, a count, a duration, wherever it is shown.
import { describe, expect, it } from 'vitest';
import { count, thousands } from '../../src/format/counts.js';
import { clockMs, ms, seconds, secondsText } from '../../src/format/durations.js';
import { bytes, rate } from '../../src/format/units.js';

describe('format', () => {
  it('writes counts with thousands separators, or short in a narrow column', () => {
    expect(thousands(1141)).toBe('1,141');
    expect(thousands(999.6)).toBe('1,000');
    expect(thousands(0)).toBe('0');
    expect([count(9999), count(12_345), count(123_456), count(1_234_567), count(undefined)]).toEqual(['9999', '12.3k', '123k', '1.2M', '-']);
  });

  it('writes milliseconds as words: ms below the threshold (10 s unless told), then seconds', () => {
    expect([ms(842), ms(2000), ms(9999.4), ms(12_345)]).toEqual(['842 ms', '2000 ms', '9999 ms', '12.3 s']);
    // a failover step's time: seconds from one second on
    expect([ms(3, 1000), ms(999, 1000), ms(1234, 1000), ms(12_345, 1000)]).toEqual(['3 ms', '999 ms', '1.23 s', '12.3 s']);
    expect([secondsText(5000), secondsText(2500)]).toEqual(['5 s', '2.5 s']);
    expect([seconds(0.42), seconds(4.2), seconds(42), seconds(422), seconds(7500), seconds(undefined)]).toEqual(['420ms', '4.2s', '42s', '7m02s', '2h05m', '-']);
    expect(clockMs(new Date(2026, 0, 1, 9, 5, 7, 42).getTime())).toBe('09:05:07.042');
  });

  it('writes sizes in binary units', () => {
    expect([bytes(512), bytes(1536), bytes(12 * 1024 * 1024), bytes(undefined), rate(2048)]).toEqual(['512 B', '1.5 KB', '12 MB', '-', '2.0 KB/s']);
  });
});
