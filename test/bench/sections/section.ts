import type { CeilingResult } from '../ceiling.js';
import type { Context } from '../operations.js';
import type { Options } from '../options.js';

/**
 * One figure of `npm run bench`: it measures on the run's dataset and returns rows for the
 * results table (operation, ours, reference, ratio, target, measured, result) and paragraphs
 * printed after it. Sections run in the order of SECTIONS, one after another, never overlapping.
 */
export interface Section {
  /** The name `--only` takes. */
  name: string;
  run(context: Context, options: Options, figures: Figures): Promise<SectionOutput>;
}

export interface SectionOutput {
  summary: string[][];
  details: string[];
}

/** Figures a section leaves for later sections of the same run (a ratio needs both halves from one run). */
export interface Figures {
  ceiling?: CeilingResult;
}
