// SPDX-License-Identifier: MIT
// Interoperability with the official socket.io-client (npm, 4.x) against the handlers of the
// C++ TestServer (tests/support/testserver.h). tst_node_sioclient starts that server and runs
// this file with CHAT_TEST_URL=http://127.0.0.1:PORT.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { importDependency } from "./lib/deps.mjs";

const { io, Manager } = await importDependency("socket.io-client");

const URL = process.env.CHAT_TEST_URL?.replace(/\/$/, "");
if (!URL) {
  throw new Error("CHAT_TEST_URL is not set: run this file through tst_node_sioclient");
}

const STEP_TIMEOUT = 5000;
const TEST_TIMEOUT = 20000;

const MODES = [
  { name: "default transports (polling, then upgrade)", key: "default", options: {} },
  { name: "websocket only", key: "websocket", options: { transports: ["websocket"] } },
  { name: "polling only", key: "polling", options: { transports: ["polling"] } },
];

// Every socket a test opens, so that the process can exit whatever the outcome.
const opened = new Set();

after(() => {
  for (const socket of opened) {
    socket.disconnect();
  }
});

//! A socket on its own Manager (its own Engine.IO connection); no reconnection unless asked.
function connect(nsp, options = {}) {
  const socket = io(`${URL}${nsp}`, {
    forceNew: true,
    reconnection: false,
    timeout: STEP_TIMEOUT,
    ...options,
  });
  opened.add(socket);
  return socket;
}

//! Resolves with the arguments of the next \a event; rejects on connect_error or timeout.
function next(socket, event, timeoutMs = STEP_TIMEOUT) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      socket.off(event, onEvent);
      socket.off("connect_error", onError);
    };
    const onEvent = (...args) => {
      cleanup();
      resolve(args);
    };
    const onError = (error) => {
      cleanup();
      reject(new Error(`connect_error while waiting for "${event}": ${error.message}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    socket.on(event, onEvent);
    if (event !== "connect_error") {
      socket.on("connect_error", onError);
    }
  });
}

//! Emits \a event with an acknowledgement; resolves with the acknowledgement's arguments.
function emitWithAck(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(STEP_TIMEOUT).emit(event, ...args, (error, ...response) => {
      if (error) {
        reject(new Error(`no acknowledgement of "${event}" within ${STEP_TIMEOUT} ms`));
      } else {
        resolve(response);
      }
    });
  });
}

function assertBuffer(value, expected, what) {
  assert.ok(Buffer.isBuffer(value), `${what} is a Buffer (got ${Object.prototype.toString.call(value)})`);
  assert.ok(value.equals(expected), `${what}: ${value.length} bytes equal to the ${expected.length} sent`);
}

//! Runs fn(0..count-1) with at most \a limit calls in flight.
async function inPool(count, limit, fn) {
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < count) {
      const index = nextIndex++;
      await fn(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

for (const mode of MODES) {
  describe(`socket.io-client, ${mode.name}`, { timeout: 4 * TEST_TIMEOUT }, () => {
    it("connects; welcome carries the CONNECT auth; transport as configured", { timeout: TEST_TIMEOUT }, async () => {
      const auth = { token: `token-${mode.key}`, n: 42, nested: { ok: true, list: [1, "2"] } };
      const socket = connect("/", { ...mode.options, auth });
      let firstTransport;
      let upgrades = 0;
      socket.io.on("open", () => {
        firstTransport = socket.io.engine.transport.name;
        socket.io.engine.on("upgrade", () => upgrades++);
      });
      const [welcome] = await next(socket, "welcome");
      assert.deepEqual(welcome, { nsp: "/", auth });
      assert.ok(socket.connected, "connected");
      assert.equal(typeof socket.id, "string");

      if (mode.key === "default") {
        assert.equal(firstTransport, "polling", "the session starts on polling");
        if (socket.io.engine.transport.name !== "websocket") {
          await next(socket.io.engine, "upgrade");
        }
        assert.equal(socket.io.engine.transport.name, "websocket", "upgraded to websocket");
        assert.deepEqual(await emitWithAck(socket, "echo-ack", "after upgrade"), ["after upgrade"]);
      } else if (mode.key === "websocket") {
        assert.equal(firstTransport, "websocket");
        assert.deepEqual(await emitWithAck(socket, "echo-ack", "ws"), ["ws"]);
        assert.equal(socket.io.engine.transport.name, "websocket");
      } else {
        assert.equal(firstTransport, "polling");
        assert.deepEqual(await emitWithAck(socket, "echo-ack", "poll"), ["poll"]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(socket.io.engine.transport.name, "polling", "stays on polling");
        assert.equal(upgrades, 0, "no upgrade");
      }
      socket.disconnect();
    });

    it('namespaces "/" and "/other" share one Manager', { timeout: TEST_TIMEOUT }, async () => {
      const manager = new Manager(URL, { ...mode.options, reconnection: false, timeout: STEP_TIMEOUT });
      const main = manager.socket("/", { auth: { ns: "main" } });
      const other = manager.socket("/other", { auth: { ns: "other" } });
      opened.add(main);
      opened.add(other);
      const [[mainWelcome], [otherWelcome]] = await Promise.all([
        next(main, "welcome"),
        next(other, "welcome"),
      ]);
      assert.deepEqual(mainWelcome, { nsp: "/", auth: { ns: "main" } });
      assert.deepEqual(otherWelcome, { nsp: "/other", auth: { ns: "other" } });
      assert.equal(main.io, other.io, "one Manager");
      assert.notEqual(main.id, other.id, "one socket id per namespace");

      const [mainAck, otherAck] = await Promise.all([
        emitWithAck(main, "echo-ack", "to main", 1),
        emitWithAck(other, "echo-ack", "to other", 2),
      ]);
      assert.deepEqual(mainAck, ["to main", 1]);
      assert.deepEqual(otherAck, ["to other", 2]);

      // An event of one namespace never reaches the other.
      let leaked = 0;
      main.on("echo-back", () => leaked++);
      const echoed = next(other, "echo-back");
      other.emit("echo", "only /other");
      assert.deepEqual(await echoed, ["only /other"]);
      await emitWithAck(main, "echo-ack");
      assert.equal(leaked, 0, '"echo-back" of /other arrived on /');

      main.disconnect();
      other.disconnect();
    });

    it("emit with an acknowledgement (echo-ack)", { timeout: TEST_TIMEOUT }, async () => {
      const socket = connect("/", mode.options);
      await next(socket, "welcome");
      const args = [1, "two", { three: [true, null], "key with space": "é👋" }, [4.5, -6], false];
      assert.deepEqual(await emitWithAck(socket, "echo-ack", ...args), args);
      assert.deepEqual(await emitWithAck(socket, "echo-ack"), [], "no arguments");
      socket.disconnect();
    });

    it("acknowledgement from client to server (ask-me / question / answer)", { timeout: TEST_TIMEOUT }, async () => {
      const socket = connect("/", mode.options);
      await next(socket, "welcome");
      const questions = [];
      socket.on("question", (...args) => {
        const ack = args.pop();
        assert.equal(typeof ack, "function", '"question" asks for an acknowledgement');
        questions.push(args);
        ack("reply", ...args, { from: "client" });
      });
      const answer = next(socket, "answer");
      socket.emit("ask-me", { q: "ready?", n: 7 });
      assert.deepEqual(await answer, ["reply", { q: "ready?", n: 7 }, { from: "client" }]);
      assert.deepEqual(questions, [[{ q: "ready?", n: 7 }]]);
      socket.disconnect();
    });

    it("binary both ways: Buffers echoed back as Buffers, byte for byte", { timeout: TEST_TIMEOUT }, async () => {
      const socket = connect("/", mode.options);
      await next(socket, "welcome");
      const small = Buffer.from([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff]);
      const big = randomBytes(100000);
      const inner = Buffer.from("inside a list");
      const echoed = next(socket, "echo-back");
      socket.emit("echo", small, { label: "nested", data: big, list: [inner, 3] }, "text", 7);
      const [rSmall, rObject, rText, rNumber] = await echoed;
      assertBuffer(rSmall, small, "argument 0");
      assert.equal(rObject.label, "nested");
      assertBuffer(rObject.data, big, "nested 100 kB buffer");
      assertBuffer(rObject.list[0], inner, "buffer in a list");
      assert.equal(rObject.list[1], 3);
      assert.deepEqual([rText, rNumber], ["text", 7]);

      const acked = await emitWithAck(socket, "echo-ack", Buffer.from([9, 8, 7]), "with ack");
      assertBuffer(acked[0], Buffer.from([9, 8, 7]), "binary acknowledgement argument");
      assert.equal(acked[1], "with ack");

      const binary = next(socket, "binary");
      socket.emit("binary-please");
      const [payload, ok] = await binary;
      assertBuffer(payload, Buffer.from([1, 2, 3]), '"binary" argument 0');
      assert.equal(ok, "ok");
      socket.disconnect();
    });

    it("rooms: both members receive to-room, the sender included; others do not", { timeout: TEST_TIMEOUT }, async () => {
      const room = `room-${mode.key}-${process.pid}`;
      const [first, second, outsider] = [0, 1, 2].map(() => connect("/", mode.options));
      await Promise.all([first, second, outsider].map((s) => next(s, "welcome")));
      first.emit("join", room);
      second.emit("join", room);
      // Packets of one connection are handled in order: once these acks are back, so are the joins.
      await Promise.all([emitWithAck(first, "echo-ack"), emitWithAck(second, "echo-ack")]);

      let outsiderGot = 0;
      outsider.on("room-event", () => outsiderGot++);
      const firstGot = next(first, "room-event");
      const secondGot = next(second, "room-event");
      first.emit("to-room", room, "room-event", "hello room", { n: 1 });
      assert.deepEqual(await firstGot, ["hello room", { n: 1 }], "the sender");
      assert.deepEqual(await secondGot, ["hello room", { n: 1 }], "the other member");
      await emitWithAck(outsider, "echo-ack");
      assert.equal(outsiderGot, 0, "a socket outside the room got the event");
      for (const socket of [first, second, outsider]) {
        socket.disconnect();
      }
    });

    it('reconnects by itself after "kick-me" closes the Engine.IO session', { timeout: TEST_TIMEOUT }, async () => {
      const auth = { token: "come-back" };
      const socket = connect("/", {
        ...mode.options,
        auth,
        reconnection: true,
        reconnectionDelay: 50,
        reconnectionDelayMax: 200,
        randomizationFactor: 0,
      });
      await next(socket, "welcome");
      const firstId = socket.id;
      const disconnected = next(socket, "disconnect");
      socket.emit("kick-me");
      const [reason] = await disconnected;
      assert.equal(reason, "transport close", "disconnect reason");
      const [welcome] = await next(socket, "welcome", 10000);
      assert.deepEqual(welcome, { nsp: "/", auth }, "welcome again, with the same auth");
      assert.ok(socket.connected);
      assert.notEqual(socket.id, firstId, "a new session");
      assert.deepEqual(await emitWithAck(socket, "echo-ack", "back"), ["back"]);
      socket.disconnect();
    });
  });
}

describe("200 clients at once over websocket", { timeout: 120000 }, () => {
  it("each exchanges 50 echo-ack events: none lost, none reordered", { timeout: 120000 }, async () => {
    const CLIENTS = 200;
    const EVENTS = 50;
    const sockets = [];
    await inPool(CLIENTS, 20, async (i) => {
      const socket = connect("/", { transports: ["websocket"], auth: { client: i } });
      sockets[i] = socket;
      const [welcome] = await next(socket, "welcome", 15000);
      assert.deepEqual(welcome.auth, { client: i });
    });
    assert.equal(sockets.filter((s) => s.connected).length, CLIENTS, "all connected at once");

    const orders = await Promise.all(
      sockets.map(
        (socket, i) =>
          new Promise((resolve, reject) => {
            const order = [];
            for (let k = 0; k < EVENTS; k++) {
              socket.timeout(60000).emit("echo-ack", i, k, `c${i}/m${k}`, (error, ...args) => {
                if (error) {
                  reject(new Error(`client ${i}: no acknowledgement of event ${k} within 60 s`));
                  return;
                }
                try {
                  assert.deepEqual(args, [i, k, `c${i}/m${k}`], `client ${i}, event ${k}`);
                } catch (mismatch) {
                  reject(mismatch);
                  return;
                }
                order.push(k);
                if (order.length === EVENTS) {
                  resolve(order);
                }
              });
            }
          }),
      ),
    );
    const expected = Array.from({ length: EVENTS }, (_, k) => k);
    orders.forEach((order, i) => assert.deepEqual(order, expected, `client ${i}: acknowledgements in order`));
    assert.equal(orders.flat().length, CLIENTS * EVENTS);
    for (const socket of sockets) {
      socket.disconnect();
    }
  });
});
