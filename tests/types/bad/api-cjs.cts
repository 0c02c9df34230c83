// The typed API through require() (index.d.cts): each marked line must fail.
import ankorstore = require("ankorstore-client");

export = async function main(client: ankorstore.AnkorstoreClient): Promise<void> {
  await client.request("GET", "/api/v1/orders/{order}", { params: { orderId: "1" } }); // expect TS2561 "but 'orderId' does not exist in type '{ order: string; }'. Did you mean to write 'order'?"
  await client.request("PUT", "/api/v1/orders"); // expect TS2345 "Argument of type '\"PUT\"' is not assignable"
  const order = await client.request("GET", "/api/v1/orders/{order}", { params: { order: "1" } });
  const id: number = order.data.id; // expect TS2322 "Type 'string' is not assignable to type 'number'"
  for await (const page of client.pages("/api/v1/orders", { query: { "page[size]": 10 } })) void page; // expect TS2353 "'\"page[size]\"' does not exist"
  void id;
};
