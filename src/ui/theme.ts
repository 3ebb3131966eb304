// Semantic colours. With NO_COLOR set every token is undefined: meaning is carried by words and marks, never colour alone.
export interface Theme {
  accent?: string;
  ok?: string;
  warn?: string;
  error?: string;
  muted?: string;
  focus?: string;
  border?: string;
}

const colour: Theme = { accent: 'cyan', ok: 'green', warn: 'yellow', error: 'red', muted: 'gray', focus: 'cyan', border: 'gray' };
const none: Theme = {};

export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? none : colour;
}
