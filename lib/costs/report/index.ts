export {
  getCostReport,
  getOperationsReport,
  costQuery,
  parseGroupBy,
  type CostReport,
  type OperationsReport,
} from "./report";
export { exportCostCsv, COST_TABLE_NAMES, microsToUsd } from "./export";
export { parseCostFilters, filtersToParams, costFiltersInput, type CostFilters } from "./filters";
export { resolveCostScope, type CostScope } from "./scope";
export { GROUP_DIMENSION_NAMES, type GroupDimension } from "./base";
