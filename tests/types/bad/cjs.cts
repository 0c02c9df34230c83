// The CommonJS declarations (index.d.cts) are typed too: each marked line must fail.
import ankorstore = require("ankorstore-client");

export = async function main(): Promise<void> {
  const client = new ankorstore.AnkorstoreClient({ clientId: "id", clientSecret: "secret", environment: "staging" }); // expect TS2322 "\"staging\""
  const user = await client.me();
  const n: number = user.email; // expect TS2322 "Type 'string' is not assignable to type 'number'"
  void n;
};
