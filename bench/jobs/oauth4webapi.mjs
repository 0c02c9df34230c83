// oauth4webapi: clientCredentialsGrantRequest once, then protectedResourceRequest per call.
// The library keeps no token: remembering it (as here) is the caller's code.
export function create(oauth, { baseUrl, clientId, clientSecret }) {
  const as = { issuer: baseUrl, token_endpoint: `${baseUrl}/oauth/token` };
  const client = { client_id: clientId };
  const auth = oauth.ClientSecretPost(clientSecret);
  const options = { [oauth.allowInsecureRequests]: true }; // the loopback mock speaks http:
  let token = null;
  const fetchToken = async () => {
    const res = await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: "*" }, options);
    return (await oauth.processClientCredentialsResponse(as, client, res)).access_token;
  };
  return async () => {
    const accessToken = await (token ??= fetchToken());
    const res = await oauth.protectedResourceRequest(
      accessToken, "GET", new URL(`${baseUrl}/api/v1/me`), new Headers({ accept: "application/json" }), null, options);
    if (!res.ok) throw new Error(`GET /api/v1/me: ${res.status}`);
    return res.json();
  };
}
