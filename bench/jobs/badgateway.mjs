// @badgateway/oauth2-client: OAuth2Fetch with a client-credentials getNewToken; it caches the
// token and shares one refresh between concurrent callers.
export function create({ OAuth2Client, OAuth2Fetch }, { baseUrl, clientId, clientSecret }) {
  const client = new OAuth2Client({
    server: baseUrl,
    clientId,
    clientSecret,
    tokenEndpoint: "/oauth/token", // set, so no discovery request is made
    authenticationMethod: "client_secret_post",
  });
  const wrapper = new OAuth2Fetch({ client, getNewToken: () => client.clientCredentials({ scope: ["*"] }) });
  return async () => {
    const res = await wrapper.fetch(`${baseUrl}/api/v1/me`, { headers: { accept: "application/json" } });
    if (!res.ok) throw new Error(`GET /api/v1/me: ${res.status}`);
    return res.json();
  };
}
