// The command words whose help `cutover help WORD` and `cutover WORD --help` print. A leaf: the option parser asks
// it, and the help index (help.ts) maps the words to the commands' own help.

/** Every command with a help of its own. */
export const COMMAND_WORDS = ['console', 'topology', 'replicate', 'compare', 'clone', 'failover', 'cluster', 'drill', 'lab'] as const;

/** Words whose help is another's: `compare` is `replicate --mode compare`; help and version print the index. */
export const SAME_HELP: Record<string, string> = { compare: 'replicate', help: 'main', version: 'main' };

/** Whether `cutover help WORD` has something to print. */
export function isHelpTopic(topic: string): boolean {
  return topic in SAME_HELP || (COMMAND_WORDS as readonly string[]).includes(topic);
}
