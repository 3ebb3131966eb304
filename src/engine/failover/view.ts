// Steps and plans as listeners see them: plain data, no functions, every password replaced. Pure.
import { redactArgv } from './redact-command.js';
import type { Mark, Measure, Plan, PlanView, Step, StepView } from './types.js';

export function stepView(step: Step, index: number): StepView {
  const base = {
    index,
    id: step.id,
    kind: step.kind,
    node: step.node,
    why: step.why,
    ...(step.optional ? { optional: true } : {}),
    ...(step.always ? { always: true } : {}),
    ...(step.condition ? { condition: step.condition } : {}),
  };
  if (step.kind === 'command') return { ...base, command: redactArgv(step.argv), changesRole: step.changesRole };
  return {
    ...base,
    what: step.what,
    timeoutMs: step.timeoutMs,
    changesRole: !!step.changesRole,
    ...(step.commands?.length ? { commands: step.commands.map((c) => ({ node: c.node, command: redactArgv(c.argv), why: c.why })) } : {}),
  };
}

export function planView(plan: Plan): PlanView {
  return {
    procedure: plan.procedure,
    title: plan.title,
    mode: plan.mode,
    nodes: plan.nodes,
    checks: plan.checks,
    notes: plan.notes,
    steps: plan.steps.map(stepView),
    confirmWord: plan.confirmWord,
    ...(plan.estimate ? { estimate: plan.estimate } : {}),
  };
}

/** A plan changes something when any step changes a role or sends a command (all but pure waits do). */
export function planChangesAnything(plan: Plan): boolean {
  return plan.steps.some((s) => s.kind === 'command' || s.changesRole || !!s.commands?.length);
}

/** The plan's measures that both of whose marks were reached. */
export function measuresFrom(plan: Pick<Plan, 'measures'>, marks: Partial<Record<Mark, number>>): Measure[] {
  const out: Measure[] = [];
  for (const m of plan.measures) {
    const from = marks[m.from];
    const to = marks[m.to];
    if (from !== undefined && to !== undefined && to >= from) out.push({ label: m.label, ms: to - from });
  }
  return out;
}
