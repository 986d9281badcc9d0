import { z } from "zod";
import { emailSchema, nameSchema, newPasswordSchema, roleSchema } from "@/lib/auth/schemas";

export const createUserInput = z.object({
  email: emailSchema,
  name: nameSchema,
  role: roleSchema,
  password: newPasswordSchema,
});

export const changeRoleInput = z.object({ userId: z.string().uuid("Unknown user."), role: roleSchema });

export const setActiveInput = z.object({ userId: z.string().uuid("Unknown user."), active: z.boolean() });

export const resetPasswordInput = z.object({ userId: z.string().uuid("Unknown user."), password: newPasswordSchema });
