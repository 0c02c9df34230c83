// The typed API (request, pages, paginate) as generated from Ankorstore's OpenAPI description
// (openapi/ankorstore.json). Type-checked only (tests/runtimes/types.test.mjs): it must compile
// with --strict and no error, and each `Equal` below must hold exactly.
import {
  AnkorstoreClient,
  type AnkorstoreApi,
  type ApiGetPath,
  type ApiListPath,
  type ApiMethod,
  type ApiPageItem,
  type ApiPath,
  type ApiRequestOptions,
  type ApiResponse,
  type HttpMethod,
  type JsonApiDocument,
  type JsonApiResource,
  type PageOptions,
  type RequestOptions,
  type User,
} from "ankorstore-client";

/** true when A and B are the same type (any is equal only to any). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Schemas = AnkorstoreApi.components["schemas"];

// The class that wasm-bindgen declares and the typed methods merged into it are one type.
const me: Equal<ReturnType<AnkorstoreClient["me"]>, Promise<User>> = true;
const requestAny: Equal<ReturnType<AnkorstoreClient["request"]>, Promise<unknown>> = true;
const templates: Equal<"/api/v1/orders/{order}" extends ApiPath ? true : false, true> = true;
const notATemplate: Equal<"/api/v1/orders/123" extends ApiPath ? true : false, false> = true;
const methods: Equal<ApiMethod<"/api/v1/webhook-subscriptions/{webhookSubscriptionId}">, "patch" | "delete"> = true;
const getMethods: Equal<ApiMethod<"/api/v1/catalog/integrations/operations/{operationId}">, "get" | "head" | "patch"> = true;
const listPath: Equal<"/api/v1/orders" extends ApiListPath ? true : false, true> = true;
const singlePath: Equal<"/api/v1/orders/{order}" extends ApiListPath ? true : false, false> = true;
const getPath: Equal<"/api/v1/orders/{order}" extends ApiGetPath ? true : false, true> = true;
const postPath: Equal<"/api/v1/webhook-subscriptions" extends ApiGetPath ? true : false, false> = true;
const orderParams: Equal<ApiRequestOptions<"/api/v1/orders/{order}", "get">["params"], { order: string }> = true;
const rejectBody: Equal<
  ApiRequestOptions<"/api/v1/orders/{order}/reject", "post">["body"],
  NonNullable<AnkorstoreApi.operations["brand-reject-order"]["requestBody"]>["content"]["application/vnd.api+json"] | undefined
> = true;
const noBody: Equal<ApiRequestOptions<"/api/v1/orders/{order}", "get">["body"], undefined> = true;
const orderResponse: Equal<ApiResponse<"/api/v1/orders/{order}", "get">, Schemas["OrderGet"]> = true;
const orderItem: Equal<ApiPageItem<"/api/v1/orders">, Schemas["Order"]> = true;
const spellings: Equal<Extract<HttpMethod, "GET" | "get" | "Get" | "gEt" | "DELETE" | "Delete">, "GET" | "get" | "Get" | "DELETE" | "Delete"> = true;

export async function main(client: AnkorstoreClient, id: string, anyPath: string): Promise<unknown[]> {
  // GET with a placeholder and a documented query parameter: resolves to the OrderGet document.
  const order = await client.request("GET", "/api/v1/orders/{order}", { params: { order: id }, query: { include: "retailer" } });
  const orderType: Equal<typeof order, Schemas["OrderGet"]> = true;
  const status: Schemas["OrderWorkflowStatus"] | undefined = order.data.attributes?.status;
  const reference: number | undefined = order.data.attributes?.reference;

  // A lower-case or capitalized method types exactly like the upper-case one.
  const lower = await client.request("get", "/api/v1/orders/{order}", { params: { order: id } });
  const lowerType: Equal<typeof lower, typeof order> = true;
  const capitalized = await client.request("Get", "/api/v1/orders/{order}", { params: { order: id } });
  const capitalizedType: Equal<typeof capitalized, typeof order> = true;

  // A list with typed filters and cursor pagination; no options are needed at all.
  const list = await client.request("GET", "/api/v1/orders", { query: { "filter[status]": "brand_confirmed", "page[limit]": 50, "page[after]": id } });
  const listType: Equal<typeof list, Schemas["OrderCollection"]> = true;
  const firstId: string | undefined = list.data[0]?.id;
  const next: string | undefined = list.links?.next;
  const hasMore: boolean | undefined = list.meta?.page.hasMore;
  const all: Schemas["OrderCollection"] = await client.request("get", "/api/v1/orders");

  // POST with a body (its enum checked) and a query, resolving to the order.
  const rejected = await client.request("POST", "/api/v1/orders/{order}/reject", {
    params: { order: id },
    query: { include: "retailer" },
    body: { order: { rejectType: "PRODUCT_OUT_OF_STOCK", rejectReason: "sold out" } },
    headers: { "x-request-id": "42" },
    signal: AbortSignal.timeout(5_000),
  });
  const rejectedType: Equal<typeof rejected, Schemas["OrderGet"]> = true;

  // PATCH with a body that is one of two shapes; a 201 answer; a body the API requires.
  const stock = await client.request("patch", "/api/v1/product-variants/{productVariant}/stock", {
    params: { productVariant: id },
    body: { data: { type: "productVariants", id, attributes: { stockQuantity: 12 } } },
  });
  const stockId: string = stock.data.id;
  const subscription = await client.request("post", "/api/v1/webhook-subscriptions", {
    body: {
      data: {
        type: "webhook-subscription",
        attributes: { url: "https://example.com/hook", events: ["order.brand_created"] },
        relationships: { applications: { data: { type: "applications", id } } },
      },
    },
  });
  const subscriptionType: Equal<typeof subscription, ApiResponse<"/api/v1/webhook-subscriptions", "post">> = true;
  const enabled = await client.request("POST", "/api/v1/integration/external-integrations/-actions/update-status", {
    body: { platform: "shopify", status: "enabled" },
  });

  // An answer without a body resolves to null: DELETE of a webhook subscription, and HEAD.
  const deleted = await client.request("DELETE", "/api/v1/webhook-subscriptions/{webhookSubscriptionId}", {
    params: { webhookSubscriptionId: id },
  });
  const deletedType: Equal<typeof deleted, null> = true;
  const head = await client.request("HEAD", "/api/v1/orders", { query: { "page[limit]": 1 } });
  const headType: Equal<typeof head, null> = true;

  // A required query parameter (a list goes as one comma-separated string).
  const fulfillable = await client.request("GET", "/api/v1/fulfillment/fulfillable", { query: { "fulfillableIds[]": id } });
  const fulfillableType: Equal<typeof fulfillable, ApiResponse<"/api/v1/fulfillment/fulfillable", "get">> = true;

  // Any other path keeps the untyped options and resolves to unknown.
  const custom = await client.request("GET", "/api/v2/reports/{report}", { params: { report: 7 }, query: { full: true } });
  const customType: Equal<typeof custom, unknown> = true;
  const concrete = await client.request("GET", `/api/v1/orders/${id}`);
  const concreteType: Equal<typeof concrete, unknown> = true;
  const dynamic = await client.request("delete", anyPath, { body: { anything: [1, 2] } });
  const dynamicType: Equal<typeof dynamic, unknown> = true;
  const untypedOptions: RequestOptions = { query: { "page[limit]": 10 } };
  await client.request("GET", anyPath, untypedOptions);

  // pages() yields the documents of a GET path, paginate() the elements of a list's data.
  for await (const page of client.pages("/api/v1/orders", { query: { "filter[status]": "shipped", "page[limit]": 100 } })) {
    const pageType: Equal<typeof page, Schemas["OrderCollection"]> = true;
    if (!page.meta?.page.hasMore) break;
    void pageType;
  }
  for await (const item of client.paginate("/api/v1/orders", { signal: AbortSignal.timeout(60_000) })) {
    const itemType: Equal<typeof item, Schemas["Order"]> = true;
    const itemStatus: Schemas["OrderWorkflowStatus"] | undefined = item.attributes?.status;
    void [itemType, itemStatus];
  }
  for await (const result of client.paginate("/api/v1/catalog/integrations/operations/{operationId}/results", {
    params: { operationId: id },
    query: { "page[limit]": 20 },
  })) {
    const resultType: Equal<typeof result, ApiPageItem<"/api/v1/catalog/integrations/operations/{operationId}/results">> = true;
    void resultType;
  }
  for await (const single of client.pages("/api/v1/orders/{order}", { params: { order: id } })) {
    const singleType: Equal<typeof single, Schemas["OrderGet"]> = true;
    void singleType;
  }
  // Paths without types: JSON:API documents and resources.
  const pageOptions: PageOptions = { params: { shop: "main" }, query: { "page[limit]": 10 } };
  for await (const page of client.pages("/api/v2/shops/{shop}/items", pageOptions)) {
    const pageType: Equal<typeof page, JsonApiDocument> = true;
    const more: boolean | undefined = page.meta?.page?.hasMore;
    const nextLink = page.links?.next;
    void [pageType, more, nextLink];
  }
  for await (const resource of client.paginate(anyPath)) {
    const resourceType: Equal<typeof resource, JsonApiResource> = true;
    const kind: string = resource.type;
    const attributes: Record<string, unknown> | undefined = resource.attributes;
    void [resourceType, kind, attributes];
  }

  return [
    me, requestAny, templates, notATemplate, methods, getMethods, listPath, singlePath, getPath, postPath, orderParams,
    rejectBody, noBody, orderResponse, orderItem, spellings, orderType, status, reference, lowerType, capitalizedType, listType, firstId,
    next, hasMore, all, rejectedType, stockId, subscriptionType, enabled, deletedType, headType, fulfillableType,
    customType, concreteType, dynamicType,
  ];
}
