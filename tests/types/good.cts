// A CommonJS consumer (`require`, resolved through the `require` condition to index.d.cts).
import ankorstore = require("ankorstore-client");

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const meResult: Equal<ReturnType<ankorstore.AnkorstoreClient["me"]>, Promise<ankorstore.User>> = true;
const tokenResult: Equal<ReturnType<ankorstore.AnkorstoreClient["token"]>, Promise<ankorstore.AccessToken>> = true;
const codeType: Equal<ankorstore.AnkorstoreError["code"], ankorstore.ErrorCode> = true;
type Schemas = ankorstore.AnkorstoreApi.components["schemas"];

/** The typed API through require(): index.d.cts carries the same generated declarations. */
async function orders(client: ankorstore.AnkorstoreClient, id: string): Promise<string[]> {
  const order = await client.request("get", "/api/v1/orders/{order}", { params: { order: id } });
  const orderType: Equal<typeof order, Schemas["OrderGet"]> = true;
  const deleted = await client.request("DELETE", "/api/v1/webhook-subscriptions/{webhookSubscriptionId}", { params: { webhookSubscriptionId: id } });
  const deletedType: Equal<typeof deleted, null> = true;
  const other: unknown = await client.request("GET", "/api/v2/anything", { query: { a: 1 } });
  const ids: string[] = [];
  for await (const item of client.paginate("/api/v1/orders", { query: { "page[limit]": 100 } })) {
    const itemType: Equal<typeof item, Schemas["Order"]> = true;
    if (itemType && orderType && deletedType && other !== 0) ids.push(item.id);
  }
  return ids;
}

async function main(): Promise<string> {
  const client = new ankorstore.AnkorstoreClient({ clientId: "id", clientSecret: "secret", environment: "sandbox" });
  try {
    const user: ankorstore.User = await client.me();
    const token: ankorstore.AccessToken = await ankorstore.exchangeCredentials({ clientId: "id", clientSecret: "secret" });
    const again: ankorstore.User = await ankorstore.getMe(token.accessToken, { environment: "sandbox" });
    return `${user.email} ${again.id} ${client.baseUrl}`;
  } catch (error) {
    if (error instanceof ankorstore.AnkorstoreError && error.code === "rate_limited") {
      const wait: number | undefined = error.retryAfter;
      return `wait ${wait}`;
    }
    throw error;
  }
}

export = { main, orders, checks: [meResult, tokenResult, codeType] };
