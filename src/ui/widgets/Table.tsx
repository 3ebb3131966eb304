// A small Box-less table: fixed-width columns, one Text line a row, so a row is exactly one terminal line.
// (ink-table 3.1 does not import beside ink 6 on Node 20; its ESM fork draws a rule between every row.)
import React from 'react';
import { Box, Text } from 'ink';
import { pad, padLeft } from '../../render/format.js';

export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

export interface Cell {
  text: string;
  color?: string;
  bold?: boolean;
}

function fit(text: string, col: Column): string {
  return col.align === 'right' ? padLeft(text, col.width) : pad(text, col.width);
}

/** One terminal line that never shrinks: a crowded pane clips its last lines instead of squeezing one away. */
export function Line(props: { children: React.ReactNode }) {
  return (
    <Box height={1} flexShrink={0} overflow="hidden">
      {props.children}
    </Box>
  );
}

export function TableHeader(props: { columns: Column[]; color?: string }) {
  return (
    <Line>
      <Text bold color={props.color} wrap="truncate">
        {props.columns.map((c) => fit(c.title, c)).join(' ')}
      </Text>
    </Line>
  );
}

export function TableRow(props: { columns: Column[]; cells: Cell[]; selected?: boolean }) {
  return (
    <Line>
      <Text inverse={props.selected} wrap="truncate">
      {props.columns.map((col, i) => {
        const cell = props.cells[i] ?? { text: '' };
        return (
          <Text key={i} color={cell.color} bold={cell.bold}>
            {fit(cell.text, col)}
            {i < props.columns.length - 1 ? ' ' : ''}
          </Text>
        );
      })}
      </Text>
    </Line>
  );
}
