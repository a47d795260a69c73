export { seedDemoData, seedOptionsSchema, apportion, modeCounts, DEFAULT_STATUS_WEIGHTS, type SeedOptions, type SeedResult } from './seed-demo-data.js';
export {
  runSimulation, simulationOptionsSchema, FAIL_ERROR_TEXT,
  type SimulationOptions, type SimulationCounters, type SimulationEvent, type SimulationResult,
} from './run-simulation.js';
export { seededRandom } from './random.js';
export { DEMO_OWNER_PREFIX, SEED_LEASE_OWNER } from './demo-shape.js';
