// Fixture data of the mock: the API user, a deterministic set of orders and products, the
// webhook events and the API client's application.
//
// Shapes follow openapi/ankorstore.json (a copy of Ankorstore's published OpenAPI, CC0):
// the Order, OrderGet, Retailer, Product, ProductGet, ProductVariant, ApplicationResource and
// ApplicationWebhookSubscriptionResource schemas and their examples. Everything is generated
// from fixed seeds so that every start (and every reset) yields the same ids, amounts and
// statuses; orders and products have seeds of their own, so one never shifts the other.
import { createHash } from "node:crypto";

/** `data` of GET /api/v1/me, exactly as on the Ankorstore authentication page. */
export const USER = Object.freeze({
  type: "user",
  id: 1234,
  email: "api@ankorstore.com",
  first_name: "Test",
  last_name: "Account",
  created_at: "2020-01-28T11:26:35+00:00",
  updated_at: "2022-03-15T15:23:09+00:00",
});

export const ORDER_COUNT = 25;

/** The values of OrderWorkflowStatus in the OpenAPI file. */
export const ORDER_STATUSES = Object.freeze([
  "ankor_confirmed", "rejected", "brand_confirmed", "shipping_labels_generated",
  "fulfillment_requested", "shipped", "reception_refused", "received", "invoiced",
  "brand_paid", "cancelled",
]);

/** Only an order waiting for the brand (`ankor_confirmed`) can be accepted or rejected. */
export const ACTIONABLE_STATUS = "ankor_confirmed";

/** The `rejectType` enum of POST /api/v1/orders/{order}/reject. */
export const REJECT_TYPES = Object.freeze([
  "BRAND_ALREADY_HAS_CUSTOMER_IN_THE_AREA", "BRAND_CANNOT_DELIVER_TO_THE_AREA",
  "BRAND_HAS_EXCLUSIVE_DISTRIBUTOR_IN_THE_REGION", "BUYER_NOT_A_RETAILER",
  "ORDER_ITEMS_PRICES_INCORRECT", "PAYMENT_ISSUES_WITH_RETAILER", "PREPARATION_TIME_TOO_HIGH",
  "PRODUCT_OUT_OF_STOCK", "PURCHASE_NOT_FOR_RESALE", "RETAILER_AGREED_TO_DO_CHANGES_TO_ORDER",
  "RETAILER_NOT_GOOD_FIT_FOR_BRAND", "RETAILER_VAT_NUMBER_MISSING", "OTHER",
]);

// Newest orders come first in the list, and new orders are mostly waiting for the brand,
// so the first page always holds a few orders that can be accepted.
const STATUS_CYCLE = [
  "ankor_confirmed", "ankor_confirmed", "brand_confirmed", "shipping_labels_generated",
  "fulfillment_requested", "shipped", "received", "invoiced", "brand_paid", "rejected",
  "cancelled", "reception_refused",
];
const SHIPPED = new Set(["shipped", "reception_refused", "received", "invoiced", "brand_paid"]);
const NO_SHIPPING_METHOD = new Set(["ankor_confirmed", "brand_confirmed", "rejected", "cancelled"]);

const RETAILERS = [
  { store: "Jumbo", first: "Charles", last: "Attan", street: "Kortricklaan 101", postal: "8121 GW", city: "Arnhem", country: "NL", vatRate: 0 },
  { store: "Le Petit Comptoir", first: "Camille", last: "Durand", street: "12 Rue de la République", postal: "69002", city: "Lyon", country: "FR", vatRate: 0.2 },
  { store: "Bottega Verde", first: "Giulia", last: "Rossi", street: "Via Roma 45", postal: "00184", city: "Roma", country: "IT", vatRate: 0 },
  { store: "Kaufhaus Lindner", first: "Jonas", last: "Weber", street: "Hauptstraße 8", postal: "10115", city: "Berlin", country: "DE", vatRate: 0 },
  { store: "Casa Luna", first: "Lucía", last: "Fernández", street: "Calle Mayor 23", postal: "28013", city: "Madrid", country: "ES", vatRate: 0 },
];

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const NEWEST_ORDER_AT = Date.UTC(2022, 2, 31, 11, 57, 13);

/** Small seeded PRNG (mulberry32): deterministic fixtures without a dependency. */
function seededRandom(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInt(random, min, max) {
  return min + Math.floor(random() * (max - min + 1));
}

/** A UUID that looks like Ankorstore's (version nibble 6, RFC variant). */
function uuid(random) {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "6";
  hex[16] = "89ab"[Math.floor(random() * 4)];
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** Ankorstore writes timestamps as `2022-03-15T10:05:09+00:00`. */
export function isoTime(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

function makeRetailers(random) {
  return RETAILERS.map((r) => ({
    ...r,
    id: uuid(random),
    email: `${r.first.toLowerCase()}.${r.last.toLowerCase()}@example.com`.normalize("NFD").replace(/[\u0300-\u036f]/g, ""),
    vatNumber: `${r.country}${randomInt(random, 100000000, 999999999)}`,
    phone: `+3${randomInt(random, 1, 9)}6${randomInt(random, 10000000, 99999999)}`,
  }));
}

function makeOrder(random, index, retailer) {
  const status = STATUS_CYCLE[index % STATUS_CYCLE.length];
  const createdAt = NEWEST_ORDER_AT - index * 2.3 * DAY - randomInt(random, 1, 20) * HOUR;
  const submittedAt = createdAt + randomInt(random, 1, 40) * HOUR;
  const shippedAt = SHIPPED.has(status) ? submittedAt + randomInt(random, 3, 6) * DAY : null;
  const total = randomInt(random, 45, 600) * 100 + randomInt(random, 0, 99);
  const vat = Math.round(total * retailer.vatRate);
  return {
    id: uuid(random),
    retailer,
    orderItemIds: Array.from({ length: randomInt(random, 1, 4) }, () => uuid(random)),
    billingItemIds: [uuid(random)],
    attributes: {
      masterOrderId: uuid(random),
      status,
      reference: randomInt(random, 3000000000, 3999999999),
      brandCurrency: "EUR",
      brandNetAmount: Math.round(total * 0.8),
      brandTotalAmount: total,
      brandTotalAmountVat: vat,
      brandTotalAmountWithVat: total + vat,
      brandRejectReason: status === "rejected" ? "Products not in stock." : null,
      retailerRejectReason: status === "reception_refused" ? "Parcel damaged on arrival." : null,
      retailerCancellationRequestReason: status === "cancelled" ? "Ordered by mistake." : null,
      billingName: `${retailer.first} ${retailer.last}`,
      billingOrganisationName: retailer.store,
      billingStreet: retailer.street,
      billingPostalCode: retailer.postal,
      billingCity: retailer.city,
      billingCountryCode: retailer.country,
      submittedAt: isoTime(submittedAt),
      shippedAt: shippedAt === null ? null : isoTime(shippedAt),
      brandPaidAt: status === "brand_paid" ? isoTime(shippedAt + 30 * DAY) : null,
      createdAt: isoTime(createdAt),
      updatedAt: isoTime((shippedAt ?? submittedAt) + 2 * HOUR),
      shippingMethod: NO_SHIPPING_METHOD.has(status) ? null : index % 3 ? "ankorstore" : "custom",
    },
  };
}

/** A fresh, mutable copy of the order fixtures, newest first. */
export function createOrders() {
  const random = seededRandom(20220331);
  const retailers = makeRetailers(random);
  return Array.from({ length: ORDER_COUNT }, (_, i) => makeOrder(random, i, retailers[i % retailers.length]));
}

function relationships(order) {
  return {
    retailer: { data: { type: "retailers", id: order.retailer.id } },
    billingItems: { data: order.billingItemIds.map((id) => ({ type: "billing-items", id })) },
    orderItems: { data: order.orderItemIds.map((id) => ({ type: "order-items", id })) },
  };
}

/** The shipping overview is only part of single-order responses (OpenAPI: OrderShippingOverview). */
function shippingOverview(order) {
  const { attributes: a, retailer: r } = order;
  const min = Date.parse(a.submittedAt) + 3 * DAY;
  return {
    availableShippingMethods: ["custom", "ankorstore"],
    shipToAddress: {
      name: `${r.first} ${r.last}`, organisationName: r.store, street: r.street,
      city: r.city, postalCode: r.postal, countryCode: r.country,
    },
    expectedShippingDates: { minimum: isoTime(min), maximum: isoTime(min + 3 * DAY - 1000) },
    provider: a.shippingMethod === "ankorstore" ? "ups" : null,
    tracking: null,
    latestQuote: null,
    parcels: [],
    transaction: null,
  };
}

/** Resource object as in the list example of GET /api/v1/orders (type "orders"). */
export function orderListResource(order) {
  return { type: "orders", id: order.id, attributes: { ...order.attributes }, relationships: relationships(order) };
}

/** Resource object as in the OrderGet example (type "order", with shippingOverview). */
export function orderResource(order) {
  return {
    type: "order",
    id: order.id,
    attributes: { ...order.attributes, shippingOverview: shippingOverview(order) },
    relationships: relationships(order),
  };
}

/** Retailer resource for `include=retailer` (OpenAPI: Retailer). */
export function retailerResource(retailer) {
  return {
    type: "retailer",
    id: retailer.id,
    attributes: {
      companyName: null, storeName: retailer.store, storeUrl: null, email: retailer.email,
      firstName: retailer.first, lastName: retailer.last, taxNumber: retailer.vatNumber.slice(2),
      vatNumber: retailer.vatNumber, eoriNumber: null, phoneNumberE164: retailer.phone,
      businessIdentifier: retailer.vatNumber.slice(2),
      createdAt: "2020-06-19T11:59:30.000000Z", updatedAt: "2020-06-21T15:27:39.000000Z",
    },
  };
}

// =======================================================================================
// Products (OpenAPI: Product, ProductGet, ProductVariant)

export const PRODUCT_COUNT = 45;

const PRODUCT_LINES = [
  { noun: "Soap Bar", capacity: "100g", netWeight: "100G", dimensions: "5,5x5,5x6", vatRate: 20, tags: ["tags_organic", "tags_handmade"] },
  { noun: "Scented Candle", capacity: "180g", netWeight: "250G", dimensions: "8x8x9", vatRate: 20, tags: ["tags_handmade"] },
  { noun: "Herbal Tea", capacity: "80g", netWeight: "80G", dimensions: "7x7x12", vatRate: 5.5, tags: ["tags_organic"] },
  { noun: "Olive Oil", capacity: "500ml", netWeight: "460G", dimensions: "6x6x28", vatRate: 5.5, tags: ["tags_organic", "tags_eco_friendly"] },
  { noun: "Linen Tote Bag", capacity: "12l", netWeight: "150G", dimensions: "38x42x1", vatRate: 20, tags: ["tags_eco_friendly"] },
  { noun: "Ceramic Mug", capacity: "350ml", netWeight: "320G", dimensions: "9x9x10", vatRate: 20, tags: ["tags_handmade"] },
  { noun: "Hand Cream", capacity: "50ml", netWeight: "60G", dimensions: "4x3x14", vatRate: 20, tags: ["tags_organic"] },
  { noun: "Dark Chocolate", capacity: "100g", netWeight: "100G", dimensions: "8x1x16", vatRate: 5.5, tags: ["tags_organic", "tags_eco_friendly"] },
  { noun: "Notebook", capacity: "96 pages", netWeight: "210G", dimensions: "15x1x21", vatRate: 20, tags: ["tags_eco_friendly"] },
];
const PRODUCT_QUALIFIERS = ["Lavender", "Citrus", "Rosemary", "Vanilla", "Sea Salt"];
const VARIANT_NAMES = [["Single"], ["Small", "Large"], ["Blue", "Green", "Sand"]];
const NEWEST_PRODUCT_AT = Date.UTC(2022, 1, 9, 14, 49, 9);

/** Products write timestamps as `2020-08-27T14:26:38.000000Z` (the OpenAPI examples). */
function productTime(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, ".000000Z");
}

function makeVariants(random, product, index) {
  const names = VARIANT_NAMES[index % VARIANT_NAMES.length];
  return names.map((label, v) => {
    const stock = randomInt(random, 0, 300);
    const reserved = Math.min(stock, randomInt(random, 0, 30));
    const alwaysInStock = (index + v) % 11 === 0;
    return {
      type: "productVariant",
      id: uuid(random),
      attributes: {
        name: names.length === 1 ? product.name : `${product.name} - ${label}`,
        sku: `AK-${String(index + 1).padStart(3, "0")}-${String(v + 1).padStart(2, "0")}`,
        ian: index % 5 === 4 ? null : `376${String(randomInt(random, 1000000000, 9999999999))}`,
        createdAt: product.createdAt,
        updatedAt: product.updatedAt,
        archivedAt: null,
        retailPrice: product.retailPrice,
        wholesalePrice: product.wholesalePrice,
        originalWholesalePrice: product.originalWholesalePrice,
        availableQuantity: alwaysInStock ? null : stock - reserved,
        reservedQuantity: reserved,
        stockQuantity: alwaysInStock ? null : stock,
        isAlwaysInStock: alwaysInStock,
        images: [{ order: 1, url: `https://img.ankorstore.test/products/${index + 1}/${v + 1}.jpg` }],
      },
    };
  });
}

function makeProduct(random, index) {
  const line = PRODUCT_LINES[index % PRODUCT_LINES.length];
  const qualifier = PRODUCT_QUALIFIERS[Math.floor(index / PRODUCT_LINES.length) % PRODUCT_QUALIFIERS.length];
  const original = randomInt(random, 3, 40) * 100 + [0, 50, 90][index % 3];
  const discountRate = index % 7 === 3 ? 0.1 : 0;
  const createdAt = NEWEST_PRODUCT_AT - index * 6 * DAY - randomInt(random, 1, 20) * HOUR;
  const updatedAt = createdAt + randomInt(random, 1, 90) * DAY;
  const archived = index % 15 === 14;
  const product = {
    id: uuid(random),
    name: `${qualifier} ${line.noun}`,
    description: `${qualifier} ${line.noun.toLowerCase()}, made in small batches.`,
    language: index % 4 === 1 ? "en" : "fr",
    dimensions: line.dimensions,
    netWeight: line.netWeight,
    capacity: line.capacity,
    position: index + 1,
    unitMultiplier: [1, 6, 12][index % 3],
    vatRate: line.vatRate,
    discountRate,
    productTypeId: 1 + (index % PRODUCT_LINES.length),
    active: !archived && index % 9 !== 8,
    outOfStock: index % 8 === 5,
    archived,
    retailPrice: original * 2,
    wholesalePrice: Math.round(original * (1 - discountRate)),
    originalWholesalePrice: original,
    createdAt: productTime(createdAt),
    indexedAt: index % 10 === 9 ? null : productTime(updatedAt + HOUR),
    updatedAt: productTime(updatedAt),
    images: [1, 2].map((order) => ({ order, url: `https://img.ankorstore.test/products/${index + 1}/cover-${order}.jpg` })),
    tags: line.tags,
  };
  product.variants = makeVariants(random, product, index);
  return product;
}

/** A fresh copy of the product fixtures, in catalogue order (`position` 1, 2, …). */
export function createProducts() {
  const random = seededRandom(20220209);
  return Array.from({ length: PRODUCT_COUNT }, (_, i) => makeProduct(random, i));
}

const LIST_ONLY_OMITS = ["productTypeId", "images", "tags"];

function productAttributes(product) {
  const { id, variants, ...attributes } = product;
  return attributes;
}

function variantRelationship(product) {
  return { productVariant: { data: product.variants.map((v) => ({ type: "productVariant", id: v.id })) } };
}

/** Resource object as in the list example of GET /api/v1/products (no images, tags, productTypeId). */
export function productListResource(product) {
  const attributes = productAttributes(product);
  for (const key of LIST_ONLY_OMITS) delete attributes[key];
  return { type: "product", id: product.id, attributes, relationships: variantRelationship(product) };
}

/** Resource object as in the ProductGet example (with images, tags, productTypeId). */
export function productResource(product) {
  return { type: "product", id: product.id, attributes: productAttributes(product), relationships: variantRelationship(product) };
}

/** ProductVariant resources for `include=productVariant`, linked back to their product. */
export function variantResources(product) {
  return product.variants.map((v) => ({
    ...structuredClone(v),
    relationships: { product: { data: { type: "product", id: product.id } } },
  }));
}

// =======================================================================================
// Webhooks and the application (OpenAPI: Webhooks, Applications)

/**
 * The events of PATCH /api/v1/webhook-subscriptions/{id} (its `events` enum), each with the
 * order status its order is in when the event fires.
 */
export const WEBHOOK_EVENTS = Object.freeze({
  "order.brand_created": "ankor_confirmed",
  "order.brand_accepted": "brand_confirmed",
  "order.brand_rejected": "rejected",
  "order.shipping_labels_generated": "shipping_labels_generated",
  "order.shipped": "shipped",
  "order.shipment_received": "received",
  "order.shipment_refused": "reception_refused",
  "order.brand_paid": "brand_paid",
  "order.cancelled": "cancelled",
});

/** A stable UUID-shaped id from a name (so an application or an event keeps its id). */
export function nameUuid(name) {
  const hex = createHash("sha256").update(name).digest("hex").slice(0, 32).split("");
  hex[12] = "6";
  hex[16] = "89ab"[parseInt(hex[16], 16) % 4];
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** GET /api/v1/webhook-subscriptions/events: `type` the event name, `id` a UUID (the OpenAPI example). */
export function webhookEventResources() {
  return Object.keys(WEBHOOK_EVENTS).map((type) => ({ type, id: nameUuid(`event:${type}`) }));
}

/** The application behind an API client id (OpenAPI: ApplicationResource; the secret is always null). */
export function applicationResource(clientId) {
  return {
    type: "application",
    id: nameUuid(`application:${clientId}`),
    attributes: { name: "Mock application", developerEmail: USER.email, clientId, clientSecret: null },
  };
}

/** OpenAPI: ApplicationWebhookSubscriptionResource. */
export function webhookSubscriptionResource(subscription) {
  return {
    type: "webhook-subscriptions",
    id: subscription.id,
    attributes: { webhookUrl: subscription.url, events: [...subscription.events], signingSecret: subscription.secret },
  };
}
