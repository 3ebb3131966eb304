// The typed confirmation pending now, whichever dangerous action asked for it: a snapshot or a live replication
// (type yes), a drill (type yes), or the failover wizard's plan (type the candidate). One shape, so one layer takes
// its keys.
import type { Key } from 'ink';
import type { AppState } from '../../store/state.js';
import { useConsole, type ConsoleContext } from '../context.js';
import { confirmActionFor, formActionFor } from '../keys.js';
import type { WizardScroll } from './use-wizard-scroll.js';

export interface Confirmation {
  /** what it is for */
  kind: 'snapshot' | 'compare' | 'live' | 'drill' | 'failover' | 'reshard-form' | 'reshard';
  type(text: string): void;
  erase(): void;
  /** Enter: what was typed is the answer (the action runs when it is the word asked for); the confirmation closes */
  submit(): void;
  /** Esc: nothing changes */
  cancel(): void;
  /** keys of its own, before any typing (the wizard's Tab and scrolling); true when it took the key */
  key?(input: string, key: Key): boolean;
}

/** What is waiting for a typed word in this state, if anything. */
export function pendingKind(s: AppState): Confirmation['kind'] | undefined {
  if (s.wizard?.phase === 'confirm') return 'failover';
  if (s.cluster?.phase === 'form') return 'reshard-form';
  if (s.cluster?.phase === 'confirm') return 'reshard';
  return s.ui.prompt?.kind;
}

/** The confirmation pending in the store when it is called (a key may arrive before the screen caught up). */
export function useConfirmation(scrollWizard: WizardScroll): () => Confirmation | undefined {
  const ctx = useConsole();
  return () => {
    const kind = pendingKind(ctx.store.getState());
    if (kind === 'reshard-form') return reshardForm(ctx);
    if (kind === 'reshard') return reshardConfirmation(ctx, scrollWizard);
    return kind === 'failover' ? failoverConfirmation(ctx, scrollWizard) : kind ? yesConfirmation(ctx, kind) : undefined;
  };
}

/** The failover wizard's: type the candidate; Tab a drill alongside; arrows and pages scroll the plan. */
function failoverConfirmation({ actions, intents }: ConsoleContext, scrollWizard: WizardScroll): Confirmation {
  return {
    kind: 'failover',
    type: (text) => actions.typeWizard(text),
    erase: () => actions.eraseWizard(),
    submit: () => intents?.answerFailover(actions.takeWizardTyped()),
    cancel: () => {
      actions.takeWizardTyped();
      intents?.answerFailover('');
    },
    key: (input, key) => {
      if (confirmActionFor(input, key) !== 'drillAlongside') return scrollKey(scrollWizard, input, key);
      actions.toggleWizardDrill();
      return true;
    },
  };
}

/** The scrolling keys a confirmation shares with the plan above it. */
function scrollKey(scrollWizard: WizardScroll, input: string, key: Key): boolean {
  switch (confirmActionFor(input, key)) {
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
}

/** The reshard wizard's form: arrows and pages change it, digits type the slot count, Enter asks for the plan. */
function reshardForm({ actions, intents }: ConsoleContext): Confirmation {
  return {
    kind: 'reshard-form',
    type: (text) => actions.formDigits(text),
    erase: () => actions.formErase(),
    submit: () => {
      const ask = actions.submitReshardForm();
      if (ask) intents?.planReshard(ask);
    },
    cancel: () => actions.closeCluster(),
    key: (input, key) => {
      switch (formActionFor(input, key)) {
        case 'fieldUp':
          actions.formField(-1);
          return true;
        case 'fieldDown':
          actions.formField(1);
          return true;
        case 'less':
          actions.formChange(-1);
          return true;
        case 'more':
          actions.formChange(1);
          return true;
        case 'less100':
          actions.formChange(-100);
          return true;
        case 'more100':
          actions.formChange(100);
          return true;
        default:
          return false;
      }
    },
  };
}

/** The reshard's plan: type reshard; Tab a drill alongside; arrows and pages scroll the plan. */
function reshardConfirmation({ actions, intents }: ConsoleContext, scrollWizard: WizardScroll): Confirmation {
  return {
    kind: 'reshard',
    type: (text) => actions.typeCluster(text),
    erase: () => actions.eraseCluster(),
    submit: () => intents?.answerReshard(actions.takeClusterTyped()),
    cancel: () => {
      actions.takeClusterTyped();
      intents?.answerReshard('');
    },
    key: (input, key) => {
      if (confirmActionFor(input, key) === 'drillAlongside') {
        actions.toggleClusterDrill();
        return true;
      }
      return scrollKey(scrollWizard, input, key);
    },
  };
}

/** A snapshot's, a live replication's or a drill's: type yes. */
function yesConfirmation({ store, actions, intents }: ConsoleContext, kind: Confirmation['kind']): Confirmation {
  return {
    kind,
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
