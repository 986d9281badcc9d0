export { listRecentAlerts, raiseBudgetAlerts, type AlertView } from "./alerts";
export { parseDollars, microsToDollarString } from "./dollars";
export { budgetGate, waitReason, type GateResult } from "./gate";
export {
  activeHold,
  holdCampaign,
  holdCampaignByHand,
  knownCampaigns,
  listActiveHolds,
  releaseHold,
  type HoldView,
} from "./holds";
export {
  budgetScopeOptions,
  createBudget,
  deactivateBudget,
  listBudgetStatuses,
  updateBudget,
  type BudgetScopeOptions,
} from "./manage";
export { forecastMicros, periodBounds, PERIOD_LABEL } from "./period";
export { announceAfterQueue, budgetRefusal, checkBudgets, type BudgetHeadroom } from "./queue-check";
export { budgetStatuses, type BudgetStatus } from "./status";
export { evaluateStopLoss } from "./stop-loss";
