// Error codes outside the ErrorCode union: each marked line must fail with exactly that error.
import { AnkorstoreError, type ErrorCode } from "ankorstore-client";

const code: ErrorCode = "unknown_code"; // expect TS2322 "\"unknown_code\""

export function check(error: unknown): string {
  if (error instanceof AnkorstoreError) {
    if (error.code === "rate_limit") return "typo"; // expect TS2367 "\"rate_limit\""
    const status: string = error.status ?? ""; // expect TS2322 "number"
    return error.code;
  }
  return code;
}

new AnkorstoreError("teapot", "I'm a teapot"); // expect TS2345 "\"teapot\""
