// The floor for a careful hand-written call: plain fetch with a token obtained once, plus
// what this package does on every attempt and the raw floor skips: a 30 s timeout (an
// AbortController and a timer, cleared once the body is read) and `redirect: "manual"`.
export function create(_lib, { baseUrl, clientId, clientSecret }) {
  let authorization = null;
  let pending = null;
  const fetchToken = () => fetch(`${baseUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope: "*",
    }),
  }).then((r) => r.json()).then((t) => { authorization = `Bearer ${t.access_token}`; });
  const get = async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      const r = await fetch(`${baseUrl}/api/v1/me`, {
        headers: { authorization, accept: "application/json" }, redirect: "manual", signal: controller.signal,
      });
      return await r.json();
    } finally {
      clearTimeout(timer);
    }
  };
  return () => (authorization !== null ? get() : (pending ??= fetchToken()).then(get));
}
