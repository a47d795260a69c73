import { readyPage } from '../operations.js';
import { int, ms, pn, ratio, verdict } from '../report.js';
import type { Section } from './section.js';

/** Ready page of 100 (ours) against the first system's unbounded ready query. */
export const readySection: Section = {
  name: 'ready',
  async run(context, options) {
    context.log('ready page…');
    const r = await readyPage(context, { iterations: options.iterations, referenceIterations: options.referenceIterations });
    return {
      summary: [['ready page of 100', pn(r.ours), pn(r.reference), ratio(r.reference.p50, r.ours.p50), 'ours p95 ≤ 2 ms', `${ms(r.ours.p95)} ms`, verdict(r.ours.p95 <= 2)]],
      details: [
        `Ready page: ours returned ${r.oursRows} rows per call (${r.ours.count} timed calls); the reference returned ${int(r.referenceRows)} rows (${r.reference.count} timed calls).`,
      ],
    };
  },
};
