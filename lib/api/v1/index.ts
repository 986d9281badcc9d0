/**
 * Every /api/v1 resource module, imported so each registers its routes in the OpenAPI registry.
 * A new resource adds one line here; lib/api/openapi.test.ts fails if a route is not documented.
 */
import "./me";
import "./batches";
import "./generations";
