export { SCOPES, SCOPE_NAMES, hasScope, isScope, type Scope } from "./scopes";
export { API_TOKEN_PREFIX, hashApiToken, isApiTokenShape, newApiToken } from "./token";
export { createApiTokenInput, type CreateApiTokenInput, API_TOKEN_MAX_DAYS } from "./schema";
export {
  createApiToken,
  listApiTokens,
  revokeApiToken,
  revokeTokensOfUser,
  tokenState,
  type ApiTokenState,
  type ApiTokenView,
} from "./manage";
export { readBearerToken, resolveApiToken, type TokenCtx } from "./resolve";
export {
  createServiceAccount,
  createServiceAccountInput,
  listServiceAccounts,
  SERVICE_ACCOUNT_EMAIL_DOMAIN,
  type CreateServiceAccountInput,
  type ServiceAccountView,
} from "./service-accounts";
