// The one error class of the package. The wasm core creates every instance (with a code,
// a message that never holds a credential, and the details of api.md); this file only gives
// it a real class so that `instanceof AnkorstoreError` and `instanceof Error` both hold.
export class AnkorstoreError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = "AnkorstoreError";
    this.code = code;
    if (details) {
      for (const key of ["status", "retryAfter", "oauthError", "errors"]) {
        if (details[key] !== undefined) this[key] = details[key];
      }
    }
  }
}
