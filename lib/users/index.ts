export { createUser } from "./create-user";
export { changeRole } from "./change-role";
export { setUserActive } from "./set-active";
export { resetPassword } from "./reset-password";
export { listUsers } from "./list-users";
export type { PublicUser } from "./public-user";
