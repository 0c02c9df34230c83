// Misuses of the resolved types: each marked line must fail with exactly that error.
import { AnkorstoreClient, exchangeCredentials, getMe } from "ankorstore-client";

export async function main(): Promise<void> {
  const client = new AnkorstoreClient({ clientId: "id", clientSecret: "secret" });
  const user = await client.me();
  const n: number = user.email; // expect TS2322 "Type 'string' is not assignable to type 'number'"
  const kind: "retailer" = user.type; // expect TS2322 "\"user\""
  const token = await client.token();
  token.expiresAt.toUpperCase(); // expect TS2339 "toUpperCase"
  const t: string = token.expiresIn; // expect TS2322 "number"
  client.baseUrl = "https://example.com"; // expect TS2540 "baseUrl"
  await getMe(42); // expect TS2345 "number"
  await exchangeCredentials({ clientId: "id" }); // expect TS2741|TS2345 "clientSecret"
  void [n, kind, t];
}
