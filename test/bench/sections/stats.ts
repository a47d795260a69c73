import { statsSnapshot } from '../operations.js';
import { ms, pn, ratio, verdict } from '../report.js';
import type { Section } from './section.js';

/** Exact stats snapshot (ours, one statement) against five separate COUNTs. */
export const statsSection: Section = {
  name: 'stats',
  async run(context, options) {
    context.log('stats snapshot…');
    const s = await statsSnapshot(context, { iterations: options.iterations, referenceIterations: options.referenceIterations });
    return {
      summary: [['stats snapshot (exact)', pn(s.ours), pn(s.reference), ratio(s.reference.p50, s.ours.p50), 'ours p50 ≤ 15 ms', `${ms(s.ours.p50)} ms`, verdict(s.ours.p50 <= 15)]],
      details: [`Stats: ours and the reference's five counts ${s.agree ? 'agree' : 'DISAGREE'} on the counts per status (${s.ours.count} / ${s.reference.count} timed calls).`],
    };
  },
};
