// Misuses of the typed API (paths of Ankorstore's OpenAPI description): each marked line must
// fail with exactly that error. Where two codes are given, TypeScript 5 reports the argument
// (TS2345) with the same explanation that TypeScript 7 reports directly.
import { AnkorstoreClient } from "ankorstore-client";
// The generic helpers behind the typed API are not part of it.
import type { ApiSpellings } from "ankorstore-client"; // expect TS2459 "declares 'ApiSpellings' locally, but it is not exported"

export async function main(client: AnkorstoreClient, id: string): Promise<void> {
  // params: a wrong placeholder name, a missing one, no options at all, a wrong value type.
  await client.request("GET", "/api/v1/orders/{order}", { params: { id } }); // expect TS2353 "'id' does not exist in type '{ order: string; }'"
  await client.request("GET", "/api/v1/orders/{order}", { params: {} }); // expect TS2741 "Property 'order' is missing"
  await client.request("GET", "/api/v1/orders/{order}"); // expect TS2554 "Expected 3 arguments, but got 2"
  await client.request("GET", "/api/v1/orders/{order}", { query: { include: "retailer" } }); // expect TS2741|TS2345 "Property 'params' is missing"
  await client.request("GET", "/api/v1/orders/{order}", { params: { order: 42 } }); // expect TS2322 "Type 'number' is not assignable to type 'string'"
  await client.request("GET", "/api/v1/orders", { params: { order: id } }); // expect TS2322 "Type '{ order: string; }' is not assignable to type 'undefined'"

  // query: a key the operation does not document, a value of the wrong type or outside its enum.
  await client.request("GET", "/api/v1/orders", { query: { "filter[state]": "shipped" } }); // expect TS2353 "'\"filter[state]\"' does not exist"
  await client.request("GET", "/api/v1/orders", { query: { "page[limit]": "ten" } }); // expect TS2322 "Type 'string' is not assignable to type 'number'"
  await client.request("GET", "/api/v1/orders", { query: { "filter[status]": "lost" } }); // expect TS2322 "\"lost\""
  await client.request("GET", "/api/v1/fulfillment/fulfillable", {}); // expect TS2741|TS2345 "Property 'query' is missing"
  await client.request("GET", "/api/v1/orders/{order}/is-fulfillable", { params: { order: id }, query: { include: "x" } }); // expect TS2322 "is not assignable to type 'undefined'"

  // body: a wrong shape, a value outside its enum, a body where the operation takes none, a missing required body.
  await client.request("POST", "/api/v1/orders/{order}/reject", { params: { order: id }, body: { reason: "x" } }); // expect TS2353 "'reason' does not exist"
  await client.request("POST", "/api/v1/orders/{order}/reject", { params: { order: id }, body: { order: { rejectType: "TOO_EXPENSIVE" } } }); // expect TS2322 "\"TOO_EXPENSIVE\""
  await client.request("PATCH", "/api/v1/product-variants/{productVariant}/stock", { params: { productVariant: id }, body: { data: { type: "productVariants", id, attributes: { stockQuantity: "12" } } } }); // expect TS2322 "Type 'string' is not assignable to type 'number'"
  await client.request("GET", "/api/v1/orders", { body: { anything: true } }); // expect TS2322 "is not assignable to type 'undefined'"
  await client.request("POST", "/api/v1/integration/external-integrations/-actions/update-status"); // expect TS2554 "Expected 3 arguments, but got 2"

  // methods: one the path does not define (in either case), one request() does not send.
  await client.request("POST", "/api/v1/orders"); // expect TS2345 "Argument of type '\"POST\"' is not assignable to parameter of type 'ApiSpellings<ApiMethod<\"/api/v1/orders\">>'"
  await client.request("delete", "/api/v1/orders/{order}", { params: { order: id } }); // expect TS2345 "Argument of type '\"delete\"' is not assignable"
  await client.request("Post", "/api/v1/webhook-subscriptions/{webhookSubscriptionId}", { params: { webhookSubscriptionId: id } }); // expect TS2345 "Argument of type '\"Post\"' is not assignable"
  await client.request("TRACE", "/api/v2/anything"); // expect TS2345 "HttpMethod"

  // results: used as what they are not.
  const order = await client.request("GET", "/api/v1/orders/{order}", { params: { order: id } });
  const reference: string = order.data.attributes?.reference ?? ""; // expect TS2322 "Type 'number' is not assignable to type 'string'"
  const list = await client.request("get", "/api/v1/orders");
  list.data.attributes; // expect TS2339 "Property 'attributes' does not exist"
  const deleted = await client.request("DELETE", "/api/v1/webhook-subscriptions/{webhookSubscriptionId}", { params: { webhookSubscriptionId: id } });
  deleted.data; // expect TS18047 "'deleted' is possibly 'null'"
  const untyped = await client.request("GET", "/api/v2/anything");
  untyped.data; // expect TS18046 "'untyped' is of type 'unknown'"

  // pages() and paginate(): only GET paths (lists, for paginate), typed options and items.
  for await (const page of client.pages("/api/v1/webhook-subscriptions")) void page; // expect TS2345 "ApiGetPath"
  for await (const item of client.paginate("/api/v1/orders/{order}", { params: { order: id } })) void item; // expect TS2345 "ApiListPath"
  for await (const page of client.pages("/api/v1/orders", { query: { "filter[state]": "x" } })) void page; // expect TS2353 "'\"filter[state]\"' does not exist"
  for await (const item of client.paginate("/api/v1/catalog/integrations/operations/{operationId}/results")) void item; // expect TS2554 "Expected 2 arguments, but got 1"
  for await (const item of client.paginate("/api/v1/orders")) item.attributes?.status === "lost"; // expect TS2367 "\"lost\""
  for await (const item of client.paginate("/api/v2/anything")) item.attributes.name; // expect TS18048 "'item.attributes' is possibly 'undefined'"

  void reference;
}
