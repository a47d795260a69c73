import { measureCeiling, type CeilingResult } from '../ceiling.js';
import { concurrentClaims, type ClaimResult } from '../operations.js';
import { int, pn, ratio, table, verdict } from '../report.js';
import type { Section } from './section.js';

/** The claims/s target holds for 8 claimers; at other counts only the correctness part applies. */
const TARGET_CLAIMERS = 8;
const TARGET_CLAIMS_PER_SECOND = 10_000;

/** A rate as a share of the ceiling's updates/s; more than 100 % is possible (see the text under the table). */
function share(rate: number, ceiling: number | undefined): string {
  if (!ceiling) return '–';
  const percent = (rate / ceiling) * 100;
  return `${percent < 10 ? percent.toFixed(1) : percent.toFixed(0)} %`;
}

/** The ceiling before and after the claims: on a shared machine they differ, and each share is given against both. */
interface Bracket {
  before?: CeilingResult;
  after?: CeilingResult;
}

const shares = (rate: number, bracket: Bracket) => `${share(rate, bracket.before?.updatesPerSecond)} / ${share(rate, bracket.after?.updatesPerSecond)}`;

/** N concurrent claimers at each count of --claimers: ours at each batch size, then the reference. */
export const claimsSection: Section = {
  name: 'claims',
  async run(context, options, figures) {
    const byCount: [number, ClaimResult[]][] = [];
    for (const workers of options.claimers) {
      context.log(`${workers} concurrent claimers…`);
      const results = await concurrentClaims(context, {
        workers,
        batchSizes: options.batchSizes,
        maxMs: options.claimMs,
        referenceListRows: options.referenceList,
      });
      byCount.push([workers, results]);
    }
    // The machine's load can move between the ceiling phase and the last claim run: measure it again, and read each claim rate against both.
    const bracket: Bracket = { before: figures.ceiling };
    if (figures.ceiling) {
      context.log('physical ceiling again, after the claims…');
      bracket.after = await measureCeiling(context.dataset, context.profile, { client: 'driver', connections: figures.ceiling.connections, ms: options.ceilingMs });
    }
    return {
      summary: byCount.flatMap(([workers, results]) => summaryRow(workers, results, bracket)),
      details: [...byCount.map(([workers, results]) => claimTable(workers, results, options.claimMs)), shareOfCeiling(byCount, bracket)],
    };
  },
};

function summaryRow(workers: number, results: ClaimResult[], bracket: Bracket): string[][] {
  const reference = results[results.length - 1];
  const ours = results.slice(0, -1);
  const best = [...ours].sort((a, b) => b.claimsPerSecond - a.claimsPerSecond)[0];
  if (!best || !reference) return [];
  const noDoubles = ours.every((result) => result.tally.doubleClaims === 0);
  const rated = workers === TARGET_CLAIMERS;
  return [
    [
      `${workers} concurrent claimers (claims/s)`, `${int(best.claimsPerSecond)}/s`, `${int(reference.claimsPerSecond)}/s`,
      ratio(best.claimsPerSecond, reference.claimsPerSecond).replace('×', '× more'),
      rated ? `≥ ${int(TARGET_CLAIMS_PER_SECOND)} claims/s, 0 double claims` : '0 double claims',
      `${int(best.claimsPerSecond)}/s, ${best.tally.doubleClaims} double (${best.label.replace('ours: claimBatch, ', '')})` +
        (bracket.before ? `; ${shares(best.claimsPerSecond, bracket)} of the ceiling before / after` : ''),
      verdict(noDoubles && (!rated || best.claimsPerSecond >= TARGET_CLAIMS_PER_SECOND)),
    ],
  ];
}

function claimTable(workers: number, results: ClaimResult[], claimMs: number): string {
  return (
    `Claims (${workers} claimers, each on its own connection pool; every run starts from the same eligible set, capped at ${claimMs / 1000} s):\n\n` +
    table(
      ['claimer', 'claims believed won', 'distinct entries', 'double claims', 'entries claimed 2+ times', 'elapsed (s)', 'claims/s', 'distinct/s', 'call p50 / p95 (ms)', 'ran dry', 'db shows claimed'],
      results.map((result) => [
        result.label, int(result.tally.claims), int(result.tally.distinct),
        `${int(result.tally.doubleClaims)} (${result.tally.claims ? ((result.tally.doubleClaims / result.tally.claims) * 100).toFixed(0) : 0} %)`,
        int(result.tally.entriesClaimedTwiceOrMore), (result.elapsedMs / 1000).toFixed(2), int(result.claimsPerSecond), int(result.distinctPerSecond),
        pn(result.callLatency), result.exhausted ? 'yes' : 'no', result.databaseClaimed === null ? '–' : int(result.databaseClaimed),
      ]),
    )
  );
}

function shareOfCeiling(byCount: [number, ClaimResult[]][], bracket: Bracket): string {
  const { before, after } = bracket;
  if (!before) return 'Claims as a share of the physical ceiling: not measured in this run (add `ceiling` to `--only`).';
  return (
    `Claims as a share of the physical ceiling: single-row primary-key UPDATEs over ${before.connections} connections, ` +
    `${int(before.updatesPerSecond)}/s just before the claims in this run and ${after ? `${int(after.updatesPerSecond)}/s` : '–'} just after them; ` +
    'each share is given against both (before / after), as the machine’s load can move in between. ' +
    'A claim is more than one statement: ours claims up to a batch of entries in one transaction of five statements ' +
    '(clock, two locking reads, the UPDATE of the batch, the event counter) between BEGIN and COMMIT, so claims/s can pass 100 % ' +
    'while its transactions/s stay well below; the reference claims one entry per autocommit single-row UPDATE, the ceiling’s kind of ' +
    'statement but one that moves the row in the status indexes, with its ready-list reads on top.\n\n' +
    table(
      ['claimers', 'claimer', 'claims/s', 'claims/s ÷ ceiling (before / after)', 'claim calls/s', 'calls/s ÷ ceiling (before / after)'],
      byCount.flatMap(([workers, results]) =>
        results.map((result) => [
          workers, result.label, int(result.claimsPerSecond), shares(result.claimsPerSecond, bracket), int(result.callsPerSecond), shares(result.callsPerSecond, bracket),
        ]),
      ),
    )
  );
}
