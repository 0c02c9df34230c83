// ankorstore-client/stores: token stores that let a fleet of processes or Worker isolates
// share one access token. Dependency-free: each adapter only translates the client's
// TokenStore calls to a platform's API. Guide: docs/fleet.md.
export { kvTokenStore } from "./kv.mjs";
export { AnkorstoreTokenBroker, durableObjectTokenStore } from "./durable-object.mjs";
export { redisTokenStore } from "./redis.mjs";
