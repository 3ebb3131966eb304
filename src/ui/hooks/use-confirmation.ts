// The typed confirmation pending now, whichever dangerous action asked for it: a snapshot or a live replication
// (type yes), a drill (type yes), or the failover wizard's plan (type the candidate). One shape, so one layer takes
// its keys.
import type { Key } from 'ink';
import { useConsole } from '../context.js';
import { confirmActionFor } from '../keys.js';
import type { WizardScroll } from './use-wizard-scroll.js';

export interface Confirmation {
  /** what it is for */
  kind: 'snapshot' | 'compare' | 'live' | 'drill' | 'failover';
  type(text: string): void;
  erase(): void;
  /** Enter: what was typed is the answer (the action runs when it is the word asked for); the confirmation closes */
  submit(): void;
  /** Esc: nothing changes */
  cancel(): void;
  /** keys of its own, before any typing (the wizard's Tab and scrolling); true when it took the key */
  key?(input: string, key: Key): boolean;
}

/** The confirmation pending in the store when it is called (a key may arrive before the screen caught up). */
export function useConfirmation(scrollWizard: WizardScroll): () => Confirmation | undefined {
  const { store, actions, intents } = useConsole();
  return () => {
    const s = store.getState();
    const pending = s.wizard?.phase === 'confirm' ? 'failover' : s.ui.prompt?.kind;
    return pending ? confirmation(pending) : undefined;
  };

  function confirmation(pending: Confirmation['kind']): Confirmation {
  if (pending === 'failover') {
    return {
      kind: pending,
      type: (text) => actions.typeWizard(text),
      erase: () => actions.eraseWizard(),
      submit: () => intents?.answerFailover(actions.takeWizardTyped()),
      cancel: () => {
        actions.takeWizardTyped();
        intents?.answerFailover('');
      },
      key: (input, key) => {
        switch (confirmActionFor(input, key)) {
          case 'drillAlongside':
            actions.toggleWizardDrill();
            return true;
          case 'up':
            scrollWizard(-1);
            return true;
          case 'down':
            scrollWizard(1);
            return true;
          case 'pageUp':
            scrollWizard('-page');
            return true;
          case 'pageDown':
            scrollWizard('page');
            return true;
          default:
            return false;
        }
      },
    };
  }
  return {
    kind: pending,
    type: (text) => actions.typePrompt(text),
    erase: () => actions.erasePrompt(),
    submit: () => {
      const asked = actions.submitPrompt();
      if (!asked || !intents) return;
      const { pair } = store.getState().ui;
      if (asked.kind === 'drill') {
        if (asked.node) intents.startDrill(asked.node);
      } else if (pair.source && pair.target) intents.startJob(asked.kind, pair.source, pair.target);
    },
    cancel: () => actions.back(),
  };
  }
}
