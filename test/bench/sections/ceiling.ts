import { CEILING_CLIENTS, CEILING_STATEMENT, measureCeiling, type CeilingResult } from '../ceiling.js';
import { int, ms, table } from '../report.js';
import type { Section } from './section.js';

/**
 * The physical ceiling, in its own phase: single-row primary-key UPDATEs per second over N
 * connections on the same table, so that the claim rates read as a share of what the server can
 * do. Measured through the bare driver (the ceiling) and through the console's Database layer
 * (what the same statement costs on the stack the claims use).
 */
export const ceilingSection: Section = {
  name: 'ceiling',
  async run(context, options, figures) {
    const results: CeilingResult[] = [];
    for (const client of ['driver', 'database'] as const) {
      context.log(`physical ceiling, ${CEILING_CLIENTS[client]}…`);
      const result = await measureCeiling(context.dataset, context.profile, { client, connections: options.ceilingConnections, ms: options.ceilingMs });
      context.log(`  ${int(result.updates)} updates in ${(result.elapsedMs / 1000).toFixed(1)} s`);
      results.push(result);
    }
    const [ceiling, layered] = results as [CeilingResult, CeilingResult];
    figures.ceiling = ceiling;
    return {
      summary: [
        [
          `physical ceiling: 1-row PK UPDATEs, ${ceiling.connections} connections (updates/s)`,
          `${int(ceiling.updatesPerSecond)}/s`, '–', '–', 'none: the yardstick of the claim rates',
          `${int(ceiling.updatesPerSecond)}/s (${int(layered.updatesPerSecond)}/s through Database)`, '–',
        ],
      ],
      details: [
        `Physical ceiling (${ceiling.connections} connections, each running \`${CEILING_STATEMENT}\` with a new value on its own share of ` +
          `${int(ceiling.rows)} random bookings outside the pool, autocommit, flat out for ` +
          `${options.ceilingMs / 1000} s after 1 s untimed; its own phase, before the claims):\n\n` +
          table(
            ['client', 'connections', 'updates', 'elapsed (s)', 'updates/s', 'statement p50 / p95 / p99 (ms)', 'matched no row'],
            results.map((result) => [
              CEILING_CLIENTS[result.client], result.connections, int(result.updates), (result.elapsedMs / 1000).toFixed(2), int(result.updatesPerSecond),
              `${ms(result.latency.p50)} / ${ms(result.latency.p95)} / ${ms(result.latency.p99)}`, int(result.missed),
            ]),
          ),
      ],
    };
  },
};
