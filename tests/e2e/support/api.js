// Talking to the real server's API directly, for setting up what a test needs (a member's token,
// many messages, an admin's import) without clicking through it.
import { DEMO_PASSWORD } from "./server.js";

/** Signs in through the API; resolves to `{ token, session_id, me }`. */
export async function login(url, username, password = DEMO_PASSWORD) {
  const reply = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password, device: "e2e" }),
  });
  if (!reply.ok) throw new Error(`login ${username}: ${reply.status} ${await reply.text()}`);
  return reply.json();
}

/** One API call with a bearer token; JSON bodies unless `contentType` says otherwise. */
export async function call(url, token, method, path, body, contentType = "application/json") {
  const reply = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": contentType },
    body: body === undefined ? undefined : contentType === "application/json" ? JSON.stringify(body) : body,
  });
  const text = await reply.text();
  return { status: reply.status, body: text && reply.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}
