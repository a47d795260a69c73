/* Alerts (POOL_ALERT_RULES, POOL_ALERT_EVENTS, migration 0009): the shared rules, their evaluation by the recorder, and their events. */
export { ALERT_EVENTS_TABLE, ALERT_RULES_TABLE, alertModels } from './alert-model.js';
export { alertsAvailable } from './alert-tables.js';
export { readAlertRules, updateAlertRule, type AlertRuleUpdate } from './alert-rules.js';
export { alertEventsAfter, alertOverview, firingAlerts, newestAlertEventId, NEWEST_PER_KIND_SQL, readAlertEvents } from './alert-events.js';
export { evaluateAlerts, type EvaluateOptions, type Evaluation } from './evaluate.js';
export { claimableSql, DEADLINE_UNCLAIMED_SQL, isRecorderGap, judgeGap, MEASURES, NEWEST_SAMPLES_SQL, stuckLeasesSql, WINDOW_TOTALS_SQL, type Judgement } from './alert-figures.js';
export { AlertEventFeed, type AlertEventFeedOptions } from './event-feed.js';
