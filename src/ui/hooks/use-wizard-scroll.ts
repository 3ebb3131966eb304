// Scrolling the failover wizard's text by lines or pages from where it is on screen now (the pane's height decides
// what a page is).
import { useConsole } from '../context.js';
import { wizardWindow, type WizardLayout } from '../wizard-view.js';

export type WizardScroll = (delta: number | 'page' | '-page') => void;

export function useWizardScroll(view: WizardLayout | undefined, height: number): WizardScroll {
  const { store, actions } = useConsole();
  return (delta) => {
    if (!view) return;
    const win = wizardWindow(view, height, store.getState().ui.wizardScroll);
    const step = delta === 'page' ? Math.max(1, win.room - 1) : delta === '-page' ? -Math.max(1, win.room - 1) : delta;
    actions.scrollWizard(Math.min(win.maxTop, Math.max(0, win.top + step)));
  };
}
