// SPDX-License-Identifier: MIT
// The community chat with the official socket.io-client (npm) against a real chat-server
// process: two users register over REST, join #general, chat and type; acknowledgements and
// chat:error follow protocol.md §3. Run once over WebSocket only and once over HTTP
// long-polling with the upgrade, as browsers connect.
//
//   CHAT_SERVER_BIN=build/server/chat-server node --test tests/server/chat/chat.test.mjs

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { importDependency } from "../../node/lib/deps.mjs";
import { ServerProcess, withTimeout } from "../../node/lib/eio.mjs";

const { io } = await importDependency("socket.io-client");

const STEP_TIMEOUT = 5000;
const MESSAGE_KEYS = [
  "clientId",
  "created_at",
  "deleted",
  "edited_at",
  "id",
  "message",
  "replyTo",
  "roomId",
  "type",
  "user",
].sort();
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const MODES = [
  { name: "websocket only", key: "ws", options: { transports: ["websocket"] } },
  { name: "polling, then upgrade", key: "poll", options: {} },
];

let server;
let dataDir;
const sockets = new Set();

before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "chat-test-"));
  server = await ServerProcess.start(process.env.CHAT_SERVER_BIN, [
    "--port",
    "0",
    "--data-dir",
    dataDir,
  ]);
});

after(async () => {
  for (const socket of sockets) {
    socket.disconnect();
  }
  if (server) {
    const exit = await server.terminate();
    assert.deepEqual(exit, { code: 0, signal: null }, "chat-server exits with 0 on SIGTERM");
  }
  if (dataDir) {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function postJson(route, body) {
  const response = await fetch(server.url + route, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT),
  });
  return { status: response.status, body: await response.json() };
}

//! Registers a standalone account; resolves with {token, user}.
async function register(username, name) {
  const { status, body } = await postJson("/api/v1/auth/register", {
    username,
    password: `${username} password`,
    name,
  });
  assert.equal(status, 201, `register ${username}: ${JSON.stringify(body)}`);
  assert.equal(typeof body.token, "string");
  return body;
}

//! Keeps every event a socket receives, so that none is missed between two awaits.
class Recorder {
  events = [];
  #waiters = [];

  constructor(socket) {
    socket.onAny((event, ...args) => {
      this.events.push({ event, args });
      this.#waiters = this.#waiters.filter((waiter) => !waiter.check());
    });
  }

  all(event) {
    return this.events.filter((e) => e.event === event).map((e) => e.args[0]);
  }

  //! Resolves with the payload of the first \a event (received so far or later) that matches.
  waitFor(event, predicate = () => true, timeoutMs = STEP_TIMEOUT) {
    return withTimeout(
      new Promise((resolve) => {
        const waiter = {
          check: () => {
            const found = this.events.find((e) => e.event === event && predicate(e.args[0]));
            if (found) {
              resolve(found.args[0]);
            }
            return Boolean(found);
          },
        };
        if (!waiter.check()) {
          this.#waiters.push(waiter);
        }
      }),
      timeoutMs,
      `"${event}"`,
    );
  }
}

//! Connects with \a token; resolves with {socket, events} once connected.
function connect(token, options) {
  const socket = io(server.url, {
    forceNew: true,
    reconnection: false,
    timeout: STEP_TIMEOUT,
    auth: { token },
    ...options,
  });
  sockets.add(socket);
  const events = new Recorder(socket);
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once("connect", () => resolve({ socket, events }));
      socket.once("connect_error", (error) => reject(error));
    }),
    STEP_TIMEOUT,
    "connect",
  );
}

function call(socket, event, payload) {
  return socket.timeout(STEP_TIMEOUT).emitWithAck(event, payload);
}

for (const mode of MODES) {
  describe(`two users chat in #general (${mode.name})`, () => {
    let alice;
    let bob;
    let aliceUser;
    let bobUser;
    let general;

    before(async () => {
      const a = await register(`alice_${mode.key}`, `Alice ${mode.key}`);
      const b = await register(`bob_${mode.key}`, `Bob ${mode.key}`);
      aliceUser = a.user;
      bobUser = b.user;
      alice = await connect(a.token, mode.options);
      // Bob signs in with a token from login rather than register.
      const login = await postJson("/api/v1/auth/login", {
        username: `BOB_${mode.key}`,
        password: `bob_${mode.key} password`,
      });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      assert.equal(login.body.user.id, bobUser.id);
      bob = await connect(login.body.token, mode.options);
    });

    it("joins #general: ack {ok, room}, then room:history and room:users", async () => {
      const ack = await call(alice.socket, "room:join", { roomSlug: "general" });
      assert.equal(ack.ok, true, JSON.stringify(ack));
      assert.equal(ack.room.slug, "general");
      general = ack.room.id;
      assert.ok(Number.isSafeInteger(general));
      const history = await alice.events.waitFor("room:history", (p) => p.roomId === general);
      assert.ok(Array.isArray(history.messages));
      assert.equal(typeof history.hasMore, "boolean");
      const users = await alice.events.waitFor("room:users", (p) => p.roomId === general);
      assert.ok(users.users.some((u) => u.id === aliceUser.id));

      const bobAck = await call(bob.socket, "room:join", { roomId: general });
      assert.equal(bobAck.ok, true, JSON.stringify(bobAck));
      const bobUsers = await bob.events.waitFor("room:users", (p) => p.roomId === general);
      assert.deepEqual(
        bobUsers.users.map((u) => u.id).filter((id) => id === aliceUser.id || id === bobUser.id).sort(),
        [aliceUser.id, bobUser.id].sort(),
      );
      // Alice hears that Bob arrived.
      const presence = await alice.events.waitFor("room:presence", (p) =>
        p.joined?.some((u) => u.id === bobUser.id),
      );
      assert.equal(presence.roomId, general);
      assert.deepEqual(presence.joined.find((u) => u.id === bobUser.id).name, `Bob ${mode.key}`);
    });

    it("both see both messages, and the ack has {ok, id, created_at}", async () => {
      const fromAlice = await call(alice.socket, "message:send", {
        roomId: general,
        message: `hello Bob (${mode.key})`,
        type: "text",
      });
      assert.deepEqual(Object.keys(fromAlice).sort(), ["created_at", "id", "ok"]);
      assert.equal(fromAlice.ok, true);
      assert.match(fromAlice.created_at, TIME);
      const fromBob = await call(bob.socket, "message:send", {
        roomId: general,
        message: `hi Alice (${mode.key})`,
        type: "text",
        clientId: `bob-${mode.key}-1`,
      });
      assert.equal(fromBob.ok, true, JSON.stringify(fromBob));
      assert.ok(fromBob.id > fromAlice.id);

      for (const { events } of [alice, bob]) {
        const first = await events.waitFor("message:new", (m) => m.id === fromAlice.id);
        assert.deepEqual(Object.keys(first).sort(), MESSAGE_KEYS);
        assert.equal(first.message, `hello Bob (${mode.key})`);
        assert.equal(first.roomId, general);
        assert.deepEqual(first.user, aliceUser);
        assert.equal(first.created_at, fromAlice.created_at);
        assert.equal(first.deleted, false);
        const second = await events.waitFor("message:new", (m) => m.id === fromBob.id);
        assert.equal(second.message, `hi Alice (${mode.key})`);
        assert.equal(second.clientId, `bob-${mode.key}-1`);
        assert.deepEqual(second.user, bobUser);
      }
      // Stored: the history answers with both, in order.
      const history = await call(bob.socket, "message:history", { roomId: general });
      assert.equal(history.ok, true);
      const ids = history.messages.map((m) => m.id);
      assert.deepEqual(ids.slice(-2), [fromAlice.id, fromBob.id]);
    });

    it("typing:start / typing:stop reach the other user", async () => {
      assert.deepEqual(await call(alice.socket, "typing:start", { roomId: general }), { ok: true });
      const shown = await bob.events.waitFor("typing:show", (p) => p.user.id === aliceUser.id);
      assert.deepEqual(shown, { roomId: general, user: aliceUser });
      alice.socket.emit("typing:stop", { roomId: general });
      const hidden = await bob.events.waitFor("typing:hide", (p) => p.user.id === aliceUser.id);
      assert.deepEqual(hidden, { roomId: general, user: aliceUser });

      bob.socket.emit("typing:start", { roomId: general });
      const bobTyping = await alice.events.waitFor("typing:show", (p) => p.user.id === bobUser.id);
      assert.deepEqual(bobTyping.user, bobUser);
      // Never echoed to the typist.
      await call(alice.socket, "room:list");
      assert.equal(
        alice.events.all("typing:show").filter((p) => p.user.id === aliceUser.id).length,
        0,
      );
    });

    it("errors: {ok:false, error:{code, message}} as ack, chat:error without one", async () => {
      const refused = await call(alice.socket, "message:send", {
        roomId: general,
        message: "   ",
        type: "text",
      });
      assert.deepEqual(Object.keys(refused).sort(), ["error", "ok"]);
      assert.equal(refused.ok, false);
      assert.equal(refused.error.code, "invalid_payload");
      assert.equal(typeof refused.error.message, "string");

      const tooLong = await call(alice.socket, "message:send", {
        roomId: general,
        message: "x".repeat(2001),
        type: "text",
      });
      assert.equal(tooLong.error?.code, "message_too_long", JSON.stringify(tooLong));

      const notMine = await call(bob.socket, "message:edit", {
        id: (await call(alice.socket, "message:history", { roomId: general })).messages.at(-2).id,
        message: "changed by Bob",
      });
      assert.equal(notMine.error?.code, "forbidden", JSON.stringify(notMine));

      const unknownRoom = await call(alice.socket, "room:join", { roomSlug: "no-such-room" });
      assert.equal(unknownRoom.error?.code, "not_found", JSON.stringify(unknownRoom));

      alice.socket.emit("message:send", { roomId: String(general), message: "id as text" });
      const error = await alice.events.waitFor("chat:error", (p) => p.event === "message:send");
      assert.deepEqual(Object.keys(error).sort(), ["code", "event", "message"]);
      assert.equal(error.code, "invalid_payload");

      alice.socket.emit("room:members", { roomId: general, limit: 101 });
      const members = await alice.events.waitFor("chat:error", (p) => p.event === "room:members");
      assert.equal(members.code, "invalid_payload");

      // Still connected and working; nothing refused was stored or broadcast.
      assert.equal(alice.socket.connected, true);
      const history = await call(alice.socket, "message:history", { roomId: general });
      assert.equal(history.ok, true);
      assert.ok(history.messages.every((m) => m.message.trim() !== "" && m.message !== "id as text"));
      assert.ok(bob.events.all("message:new").every((m) => m.message !== "id as text"));
    });

    it("a bad token gets connect_error \"unauthorized\"", async () => {
      await assert.rejects(connect("not-a-token", mode.options), (error) => {
        assert.equal(error.message, "unauthorized");
        return true;
      });
    });
  });
}
