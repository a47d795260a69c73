import { resetStuck } from '../operations.js';
import { int, ms, ratio, table, verdict } from '../report.js';
import type { Section } from './section.js';

/** Reset of the stuck leases while claimers keep claiming other eligible entries. */
export const resetSection: Section = {
  name: 'reset',
  async run(context, options) {
    context.log('reset of stuck leases under load…');
    const workers = options.baseClaimers;
    const [ours, reference] = await resetStuck(context, { workers, claimBatch: 10, pauseMs: options.resetPauseMs, leadMs: 1000 });
    if (!ours || !reference) return { summary: [], details: [] };
    return {
      summary: [
        [
          `reset ${int(ours.stuck)} stuck leases (s)`, (ours.resetMs / 1000).toFixed(2), (reference.resetMs / 1000).toFixed(2), ratio(reference.resetMs, ours.resetMs),
          'ours ≤ 3 s', `${(ours.resetMs / 1000).toFixed(2)} s`, verdict(ours.resetMs <= 3000),
        ],
        [
          '… claimers’ p99 during the reset (ms)', ms(ours.during.p99), ms(reference.during.p99), ratio(reference.during.p99, ours.during.p99),
          'p99 ≤ 50 ms', `${ms(ours.during.p99)} ms`, verdict(ours.during.p99 <= 50),
        ],
      ],
      details: [
        `Reset under load (${workers} claimers running claimBatch(10) with a ${options.resetPauseMs} ms pause after each batch, from 1 s before the reset until it ends; ` +
          `latency of one claimBatch call):\n\n` +
          table(
            ['reset', 'stuck', 'reset rows', 'time (s)', 'claim p50 / p99 / max before (ms)', 'claim p50 / p99 / max during (ms)', 'claims during', 'claimers ran dry'],
            [ours, reference].map((result) => [
              result.label, int(result.stuck), int(result.reset), (result.resetMs / 1000).toFixed(2),
              `${ms(result.before.p50)} / ${ms(result.before.p99)} / ${ms(result.before.max)}`,
              `${ms(result.during.p50)} / ${ms(result.during.p99)} / ${ms(result.during.max)}`,
              int(result.claimsDuring), result.ranDry ? 'yes' : 'no',
            ]),
          ),
      ],
    };
  },
};
