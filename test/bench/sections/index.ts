import { ceilingSection } from './ceiling.js';
import { claimsSection } from './claims.js';
import { consolesSection } from './consoles.js';
import { historySection } from './history.js';
import { importSection } from './import.js';
import { readySection } from './ready.js';
import { recorderSection } from './recorder.js';
import { resetSection } from './reset.js';
import { searchSection } from './search.js';
import type { Section } from './section.js';
import { statsSection } from './stats.js';

/**
 * The figures of a full `npm run bench`, in the order they run. A new figure is one more file
 * here; the ceiling runs just before the claims, whose share of it it gives.
 */
export const SECTIONS: readonly Section[] = [readySection, statsSection, searchSection, ceilingSection, claimsSection, resetSection, importSection, recorderSection, historySection, consolesSection];

export const SECTION_NAMES: readonly string[] = SECTIONS.map((section) => section.name);
