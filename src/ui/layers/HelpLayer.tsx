// The ? help as a layer over the console: it draws the key table and takes the keys while it is open (? or Esc
// close it, q quits; every other key does nothing underneath it).
import React from 'react';
import { useConsole } from '../context.js';
import { actionsFor } from '../keys.js';
import { HelpOverlay } from '../panes/HelpOverlay.js';
import { useLayerInput } from './layer-input.js';

export function HelpLayer(props: { isActive: boolean; width: number; height: number; onQuit: () => void }) {
  const { actions } = useConsole();
  useLayerInput(
    'help',
    (input, key) => {
      for (const action of actionsFor(input, key)) {
        if (action === 'quit') return props.onQuit();
        // one close per chunk: "??" does not open it again
        if (action === 'help' || action === 'back') return actions.toggleHelp();
      }
    },
    props.isActive,
  );
  return <HelpOverlay width={props.width} height={props.height} />;
}
