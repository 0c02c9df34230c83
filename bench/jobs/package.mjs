// This package: one AnkorstoreClient, me() per call (the client caches the token).
export function create({ AnkorstoreClient }, { baseUrl, clientId, clientSecret }) {
  const client = new AnkorstoreClient({ clientId, clientSecret, baseUrl });
  return () => client.me();
}
