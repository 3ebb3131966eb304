// Every option that takes one word of a list (--mode, --type, --via, --role, --read-from …) reads it here.
import { InputError } from './endpoint.js';

/** The word if it is one of the values, the fallback when the option is not given. */
export function oneOf<T extends string>(text: string | undefined, option: string, values: readonly T[], fallback: T): T;
export function oneOf<T extends string>(text: string | undefined, option: string, values: readonly T[], fallback: T | undefined): T | undefined;
export function oneOf<T extends string>(text: string | undefined, option: string, values: readonly T[], fallback: T | undefined): T | undefined {
  if (text === undefined) return fallback;
  if (!(values as readonly string[]).includes(text)) throw new InputError(`${option} '${text}' is not one of ${values.join(', ')}`);
  return text as T;
}
