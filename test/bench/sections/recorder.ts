import { sampleMetrics } from '../../../src/core/metrics/index.js';
import type { MetricsPoint } from '../../../src/shared/results/metrics.js';
import { distribution } from '../measure.js';
import { int, ms, pn, table } from '../report.js';
import type { Section } from './section.js';

/** The recorder's default interval: the share of one core is a sample's database time over it. */
const DEFAULT_INTERVAL_MS = 10_000;

/**
 * The database time of one recorder sample (the leader's exact count, `sampleMetrics`, the row's
 * `sampleMs`), called back to back as a leader would once per interval, on the run's dataset.
 */
export const recorderSection: Section = {
  name: 'recorder',
  async run(context, options) {
    const samples = Math.min(options.iterations, 100);
    context.log(`recorder: ${samples} samples…`);
    let previous: MetricsPoint | null = null;
    const take = async () =>
      (previous = await sampleMetrics(context.db, { recorderId: 'bench recorder', intervalMs: DEFAULT_INTERVAL_MS, leaseSeconds: 3600, maxAttempts: 5, previous }));
    for (let i = 0; i < Math.ceil(samples / 10); i += 1) await take();
    const timings: number[] = [];
    for (let i = 0; i < samples; i += 1) timings.push((await take()).sampleMs);
    const sample = distribution(timings);
    const share = (value: number) => `${((value / DEFAULT_INTERVAL_MS) * 100).toFixed(2)} %`;
    const { bookings, pooled } = options.shape;
    return {
      summary: [
        [
          `recorder sample (${int(bookings)} bookings / ${int(pooled)} pooled)`, pn(sample), '–', '–',
          'none: the share of one core at the 10-s interval', `${share(sample.p50)} / ${share(sample.p95)} of a core`, '–',
        ],
      ],
      details: [
        `Recorder: ${sample.count} exact samples (\`sampleMetrics\`, the leader's pool count; its \`sampleMs\`) one after another ` +
          `after ${Math.ceil(samples / 10)} untimed, at ${int(bookings)} bookings / ${int(pooled)} pooled. The share of one core is the ` +
          `sample's database time over the default 10-s interval (an upper bound: the time is wall time of the statement, of which ` +
          `the server's CPU is a part):\n\n` +
          table(
            ['bookings', 'pooled', 'samples', 'sample ms p50 / p95 / max', 'share of one core at 10 s (p50 / p95)', 'backs off (over 5 % of 10 s = 500 ms)'],
            [[int(bookings), int(pooled), sample.count, `${pn(sample)} / ${ms(sample.max)}`, `${share(sample.p50)} / ${share(sample.p95)}`, sample.p50 > 500 ? 'yes' : 'no']],
          ),
      ],
    };
  },
};
