// The failover wizard as the store keeps it: the plan, each step's state and line, the outcome. Pure: the
// engine's wizard events folded one at a time.
import type { Outcome, PlanView, ProcedureEvent, StepView } from '../engine/failover/types.js';
import type { WizardEvent } from '../engine/failover/wizard.js';
import { progressText, stepDoneLine, stepFailedLine, stepSkippedLine, summaryText } from '../render/failover-text.js';

export interface WizardStep {
  view: StepView;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  /** the step's result line, once it has one */
  line?: string;
}

export type WizardPhase = 'preparing' | 'confirm' | 'running' | Outcome['status'] | 'error';

export interface WizardState {
  node: string;
  unplanned: boolean;
  startedAt: number;
  phase: WizardPhase;
  plan?: PlanView;
  steps: WizardStep[];
  /** the running wait's progress, in words */
  progress?: string;
  notes: string[];
  outcome?: Outcome;
  /** the outcome in words (the headless command's summary) */
  summary?: string;
  message?: string;
  /** run a drill alongside (d, before confirming) */
  drill: boolean;
}

export function newWizard(node: string, unplanned: boolean, at: number): WizardState {
  return { node, unplanned, startedAt: at, phase: 'preparing', steps: [], notes: [], drill: false };
}

function setStep(w: WizardState, view: StepView, patch: Partial<WizardStep>): WizardState {
  const steps = w.steps.map((s) => (s.view.index === view.index ? { ...s, ...patch } : s));
  return { ...w, steps };
}

function foldProcedure(w: WizardState, e: ProcedureEvent): WizardState {
  const total = w.steps.length;
  switch (e.type) {
    case 'plan':
      return { ...w, plan: e.plan, phase: 'confirm', steps: e.plan.steps.map((view) => ({ view, status: 'pending' })) };
    case 'confirm':
      return { ...w, phase: e.granted ? 'running' : 'declined' };
    case 'step-start':
      return setStep({ ...w, phase: 'running', progress: undefined }, e.step, { status: 'running' });
    case 'progress':
      return { ...w, progress: progressText(e.progress) };
    case 'step-done':
      return setStep({ ...w, progress: undefined }, e.step, { status: 'done', line: stepDoneLine(e.step, total, e) });
    case 'step-failed':
      return setStep({ ...w, progress: undefined }, e.step, { status: 'failed', line: stepFailedLine(e.step, total, e.error, e.ms) });
    case 'step-skipped':
      return setStep(w, e.step, { status: 'skipped', line: stepSkippedLine(e.step, total, e.reason) });
    case 'note':
      return { ...w, notes: [...w.notes, e.text].slice(-20) };
    case 'state':
      return w;
    case 'summary':
      return { ...w, phase: e.outcome.status, outcome: e.outcome, summary: summaryText(e.outcome, w.plan?.title ?? 'failover'), progress: undefined };
  }
}

export function foldWizard(w: WizardState | undefined, e: WizardEvent): WizardState | undefined {
  switch (e.type) {
    case 'wizard-started':
      return newWizard(e.node, e.unplanned, e.at);
    case 'wizard-error':
      return w && { ...w, phase: 'error', message: e.message };
    case 'wizard':
      return w && foldProcedure(w, e.event);
    case 'wizard-closed':
      return undefined;
  }
}
