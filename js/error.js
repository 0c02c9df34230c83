// The one error class of the package. The wasm core creates every instance (with a code,
// a message that never holds a credential, and the details of api.md); this file only gives
// it a real class so that `instanceof AnkorstoreError` and `instanceof Error` both hold.
//
// Node's ESM and CommonJS entries are separate bundles, each with its own copy of this
// class: a brand shared through the global symbol registry makes `instanceof` hold across
// the copies too (an error thrown by one entry is an AnkorstoreError of the other).
const BRAND = Symbol.for("ankorstore-client.AnkorstoreError");

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

  get [BRAND]() {
    return true;
  }

  static [Symbol.hasInstance](value) {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // Only the base class recognises the other copies' instances, not subclasses.
    return this === AnkorstoreError && value != null && value[BRAND] === true;
  }
}
