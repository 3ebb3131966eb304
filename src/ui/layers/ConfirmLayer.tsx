// The one typed-confirmation layer: while a dangerous action waits for its word (yes, or the failover's
// candidate), it takes every key until Enter or Esc. The pane that asked draws the question and the > line.
import type { Confirmation } from '../hooks/use-confirmation.js';
import { readConfirmInput } from '../typed-confirm.js';
import { useLayerInput } from './layer-input.js';

export function ConfirmLayer(props: { isActive: boolean; pending: () => Confirmation | undefined; onQuit: () => void }) {
  useLayerInput(
    'confirm',
    (input, key) => {
      const c = props.pending();
      if (!c) return;
      const r = readConfirmInput(input, key);
      if (r.kind === 'quit') return props.onQuit();
      if (c.key?.(input, key)) return;
      switch (r.kind) {
        case 'type':
          return c.type(r.text);
        case 'erase':
          return c.erase();
        case 'submit':
          if (r.text) c.type(r.text);
          return c.submit();
        case 'cancel':
          return c.cancel();
      }
    },
    props.isActive,
  );
  return null;
}
