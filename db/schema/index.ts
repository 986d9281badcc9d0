export * from "./users";
export * from "./audit-events";
export * from "./sign-in-attempts";
export * from "./uploads";
