// A CommonJS consumer (`require`, resolved through the `require` condition to index.d.cts).
import ankorstore = require("ankorstore-client");

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const meResult: Equal<ReturnType<ankorstore.AnkorstoreClient["me"]>, Promise<ankorstore.User>> = true;
const tokenResult: Equal<ReturnType<ankorstore.AnkorstoreClient["token"]>, Promise<ankorstore.AccessToken>> = true;
const codeType: Equal<ankorstore.AnkorstoreError["code"], ankorstore.ErrorCode> = true;

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

export = { main, checks: [meResult, tokenResult, codeType] };
