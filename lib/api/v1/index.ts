/**
 * Every /api/v1 resource module, imported so each registers its routes in the OpenAPI registry.
 * A new resource adds one line here; lib/api/openapi.test.ts fails if a route is not documented.
 */
import "./me";
import "./assets";
import "./exports";
import "./review";
import "./costs";
import "./batches";
import "./generations";
import "./catalog";
