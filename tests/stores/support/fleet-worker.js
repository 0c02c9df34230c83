// The Worker of tests/stores/kv-do.test.mjs, bundled with the packed package's workerd entry.
// Several copies run as separate Workers (separate isolates: own globals, own wasm instance,
// own clients) sharing one KV namespace and one Durable Object namespace.
import { AnkorstoreClient } from "ankorstore-client";
import { AnkorstoreTokenBroker, durableObjectTokenStore, kvTokenStore } from "__STORES__";

// The broker class is defined by the first Worker; the others bind it by script name.
export { AnkorstoreTokenBroker };

let isolate; // drawn on the first request: no random values in global scope
const clients = new Map(); // `${store}/${scope}/${generation}` → AnkorstoreClient
const handles = new Map(); // store handles kept across requests (their lock owners live there)

function makeStore(env, kind, name) {
  if (kind === "kv") return kvTokenStore(env.TOKENS);
  if (kind === "do") return durableObjectTokenStore(env.BROKER, name || undefined);
  throw new Error(`unknown store ${kind}`);
}

function clientFor(env, params) {
  const kind = params.get("store");
  const key = `${kind}/${params.get("scope")}/${params.get("gen")}`;
  let client = clients.get(key);
  if (!client) {
    client = new AnkorstoreClient({
      clientId: env.CLIENT_ID,
      clientSecret: env.CLIENT_SECRET,
      baseUrl: env.BASE_URL,
      scope: params.get("scope"),
      refreshMarginSeconds: Number(params.get("margin") ?? 60),
      tokenStore: makeStore(env, kind),
    });
    clients.set(key, client);
  }
  return client;
}

export default {
  async fetch(request, env) {
    isolate ??= crypto.randomUUID();
    const url = new URL(request.url);
    const params = url.searchParams;
    if (url.pathname === "/me") {
      try {
        const client = clientFor(env, params);
        const user = await client.me();
        const token = await client.token(); // cached: no request
        // Which token served the call, without the token: a short digest of it.
        const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token.accessToken));
        const tag = [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
        return Response.json({ isolate, id: user.id, expiresAt: token.expiresAt, tag });
      } catch (error) {
        return Response.json({ isolate, error: error?.code ?? String(error) }, { status: 500 });
      }
    }
    if (url.pathname === "/store") {
      // One store operation through a named handle: { handle, store, name?, op, args }.
      const { handle, store, name, op, args } = await request.json();
      let target = handles.get(handle);
      if (!target) handles.set(handle, (target = makeStore(env, store, name)));
      try {
        if (typeof target[op] !== "function") return Response.json({ missing: op });
        return Response.json({ result: (await target[op](...args)) ?? null });
      } catch (error) {
        return Response.json({ error: String(error?.message ?? error) }, { status: 500 });
      }
    }
    if (url.pathname === "/kv-list") {
      const { keys } = await env.TOKENS.list();
      return Response.json(keys);
    }
    if (url.pathname === "/broker-raw") {
      // Any request, forwarded to the broker object as is.
      const stub = env.BROKER.get(env.BROKER.idFromName(params.get("name") ?? "ankorstore-token"));
      const res = await stub.fetch("https://broker/", { method: request.method, body: request.method === "POST" ? await request.text() : undefined });
      return new Response(await res.text(), { status: res.status });
    }
    return new Response("not found", { status: 404 });
  },
};
