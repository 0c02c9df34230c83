// Wrong client options: each marked line must fail with exactly that error.
import { AnkorstoreClient, type TokenStore } from "ankorstore-client";

new AnkorstoreClient({ clientId: "id" }); // expect TS2741|TS2345 "Property 'clientSecret' is missing"
new AnkorstoreClient({ clientId: "id", clientSecret: "secret", timeoutMs: "30s" }); // expect TS2322 "Type 'string' is not assignable to type 'number'"
new AnkorstoreClient({ clientId: "id", clientSecret: "secret", environment: "staging" }); // expect TS2322 "\"staging\""
new AnkorstoreClient({ clientId: "id", clientSecret: 1234 }); // expect TS2322 "Type 'number' is not assignable to type 'string'"
new AnkorstoreClient({ clientId: "id", clientSecret: "secret", retries: 3 }); // expect TS2353 "retries"
new AnkorstoreClient(); // expect TS2554 "Expected 1 arguments"

const badStore: TokenStore = {
  get: (key: string) => key.length, // expect TS2322 "number"
  set: () => undefined,
};

const client = new AnkorstoreClient({ clientId: "id", clientSecret: "secret", tokenStore: badStore });
client.request("GET", "/api/v1/custom", { query: { filter: { status: "x" } } }); // expect TS2322 "status"
client.request("GET", "/api/v1/custom", { headers: { "x-count": 1 } }); // expect TS2322 "number"
client.request("GET", "/api/v1/orders", { headers: { "x-count": 1 } }); // expect TS2322 "number"
client.me({ signal: "stop" }); // expect TS2322 "AbortSignal"
