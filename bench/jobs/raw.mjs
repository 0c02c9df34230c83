// The floor: plain fetch with a token obtained once. After the first call, a call is exactly
// `fetch(url + "/api/v1/me", {headers}).then(r => r.json())`, nothing else.
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
  const get = () => fetch(`${baseUrl}/api/v1/me`, { headers: { authorization, accept: "application/json" } })
    .then((r) => r.json());
  return () => (authorization !== null ? get() : (pending ??= fetchToken()).then(get));
}
