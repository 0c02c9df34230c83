// ankorstore-client in a web page: the package's `browser` entry loads its .wasm next to
// itself; there is no init() to call. Submitting the form asks the token endpoint once
// (the client caches the token) and shows the user of GET /api/v1/me.
import { AnkorstoreClient, AnkorstoreError } from "ankorstore-client";

const form = document.getElementById("connect");
const status = document.getElementById("status");
const result = document.getElementById("result");
const button = form.querySelector("button[type=submit]");

let client;
let clientKey;

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { baseUrl, clientId, clientSecret } = Object.fromEntries(new FormData(form));
  result.textContent = "";
  status.textContent = "Calling…";
  try {
    // One client per set of credentials: it keeps the token for the next calls.
    const key = JSON.stringify([baseUrl, clientId, clientSecret]);
    if (key !== clientKey) {
      client = new AnkorstoreClient({ baseUrl, clientId, clientSecret });
      clientKey = key;
    }
    const me = await client.me();
    status.textContent = `Signed in as ${me.first_name} ${me.last_name} <${me.email}>`;
    result.textContent = JSON.stringify(me, null, 2);
  } catch (error) {
    if (!(error instanceof AnkorstoreError)) throw error;
    // The message never contains the secret or a token.
    status.textContent = `Ankorstore error ${error.code}${error.status ? ` (HTTP ${error.status})` : ""}: ${error.message}`;
  }
});

// The import above has resolved, .wasm included, and the form has its handler: only now
// may it be submitted (index.html ships the button disabled).
button.disabled = false;
status.textContent = "Ready.";
