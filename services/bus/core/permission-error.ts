import { errors } from "@nats-io/transport-node";

/** A broker refusal as the client reports it (one error; callers walk `cause` chains themselves). */
export function asPermissionViolation(err: unknown): { readonly operation: "publish" | "subscription"; readonly subject: string } | undefined {
  return err instanceof errors.PermissionViolationError ? { operation: err.operation, subject: err.subject } : undefined;
}
