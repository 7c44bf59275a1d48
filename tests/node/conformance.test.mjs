// SPDX-License-Identifier: MIT
// Wire-level conformance of chat-server's conformance profile, one test per point of
// docs/conformance.md (R-CFG-*, R-HS-*, R-MSG-*, R-HB-*, R-CL-*, R-UP-*, R-SIO-*),
// written from that document with fetch and `ws` against a real server process.
//
//   CHAT_SERVER_BIN=build/server/chat-server node --test tests/node/conformance.test.mjs

import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import {
  FrameSocket,
  ServerProcess,
  pollingHandshake,
  request,
  show,
  sleep,
  websocketHandshake,
} from "./lib/eio.mjs";

const PING_INTERVAL = 300;
const PING_TIMEOUT = 200;
const MAX_PAYLOAD = 1000000;
const EIO = "/engine.io/";
const SIO = "/socket.io/";
const OPEN_KEYS = ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"];

let server;
let base; // http://127.0.0.1:PORT
let wsBase; // ws://127.0.0.1:PORT
const sockets = new Set();

async function ws(path, query = "") {
  const handshake = await websocketHandshake(wsBase, path, query);
  sockets.add(handshake.socket);
  return handshake;
}

async function rawWs(url) {
  const socket = await FrameSocket.open(url);
  sockets.add(socket);
  return socket;
}

//! Opens a raw WebSocket expected to be refused or closed without an Engine.IO session; resolves
//! with {status} (HTTP refusal) or {closed, frames} (opened, then closed by the server).
async function refusedWs(url) {
  let socket;
  try {
    socket = await rawWs(url);
  } catch (error) {
    if (error.status) {
      return { status: error.status };
    }
    return { error };
  }
  await socket.expectClose(2000, `server closing ${url}`);
  const frames = [];
  while (socket.pending > 0) {
    frames.push(await socket.next());
  }
  return { closed: true, frames };
}

async function post(path, sid, body, headers) {
  return request(base, `${path}?EIO=4&transport=polling&sid=${sid}`, {
    method: "POST",
    body,
    headers,
  });
}

async function get(path, sid, extra = "") {
  return request(base, `${path}?EIO=4&transport=polling&sid=${sid}${extra}`);
}

function expectError(response, status, body, what) {
  assert.equal(response.status, status, `${what}: status (body ${show(response.text)})`);
  if (body !== undefined) {
    let parsed;
    try {
      parsed = JSON.parse(response.text);
    } catch {
      assert.fail(`${what}: body is not JSON: ${show(response.text)}`);
    }
    assert.deepEqual(parsed, body, `${what}: body`);
  }
}

function checkOpenPacket(open, upgrades, what) {
  assert.deepEqual(Object.keys(open).sort(), OPEN_KEYS, `${what}: exactly these keys`);
  assert.equal(typeof open.sid, "string", `${what}: sid is a string`);
  assert.ok(open.sid.length > 0, `${what}: sid is not empty`);
  assert.deepEqual(open.upgrades, upgrades, `${what}: upgrades`);
  assert.equal(open.pingInterval, PING_INTERVAL, `${what}: pingInterval (R-CFG-2)`);
  assert.equal(open.pingTimeout, PING_TIMEOUT, `${what}: pingTimeout (R-CFG-2)`);
  assert.equal(open.maxPayload, MAX_PAYLOAD, `${what}: maxPayload (R-CFG-2)`);
}

//! Completes the polling → websocket upgrade of \a sid; resolves with the WebSocket.
async function upgrade(path, sid) {
  const socket = await rawWs(`${wsBase}${path}?EIO=4&transport=websocket&sid=${sid}`);
  socket.send("2probe");
  assert.equal(await socket.next({ what: "3probe" }), "3probe", "probe answer");
  socket.send("5");
  return socket;
}

//! A Socket.IO connection to "/" over WebSocket: open packet, CONNECT answer and "auth" event
//! read. Resolves with {socket, sid}.
async function sioConnect(auth = "") {
  const { socket } = await ws(SIO);
  socket.send(`40${auth}`);
  const connect = await socket.next({ what: "CONNECT answer" });
  assert.match(connect, /^40\{/, `CONNECT answer: ${show(connect)}`);
  const auth0 = await socket.next({ what: "auth event" });
  assert.match(auth0, /^42\["auth",/, `auth event: ${show(auth0)}`);
  return { socket, sid: JSON.parse(connect.slice(2)).sid };
}

before(async () => {
  server = await ServerProcess.start(process.env.CHAT_SERVER_BIN, [
    "--profile",
    "conformance",
    "--port",
    "0",
    "--host",
    "127.0.0.1",
  ]);
  base = server.url;
  wsBase = base.replace(/^http/, "ws");
});

after(() => {
  for (const socket of sockets) {
    socket.terminate();
  }
  server?.kill();
});

describe("R-CFG listener and configuration", () => {
  it("R-CFG-1 one listener serves /engine.io/ and /socket.io/", async () => {
    for (const path of [EIO, SIO]) {
      const response = await request(base, `${path}?EIO=4&transport=polling`);
      assert.equal(response.status, 200, `handshake on ${path}: ${show(response.text)}`);
      assert.ok(response.text.startsWith("0{"), `handshake on ${path}: ${show(response.text)}`);
    }
  });

  it("R-CFG-2 pingInterval 300, pingTimeout 200, maxPayload 1000000 on both paths", async () => {
    for (const path of [EIO, SIO]) {
      const { open } = await pollingHandshake(base, path);
      checkOpenPacket(open, ["websocket"], `polling open packet on ${path}`);
    }
  });

  it("R-CFG-3 no Socket.IO CONNECT within 1 s closes the session (pongs sent)", async () => {
    const { socket } = await ws(SIO);
    socket.autoPong = true; // so that only the connect timeout can close it
    const start = performance.now();
    const { at } = await socket.expectClose(2500, "close for lack of a CONNECT");
    const elapsed = at - start;
    assert.ok(elapsed >= 700, `closed after ${elapsed.toFixed(0)} ms, before the 1 s timeout`);
    assert.equal(socket.pending, 0, "no frame but pings before the close");
  });

  it("R-CFG-4 CORS: Access-Control-Allow-Origin * and OPTIONS preflight 204", async () => {
    for (const path of [EIO, SIO]) {
      const origin = { Origin: "http://example.org" };
      const handshake = await request(base, `${path}?EIO=4&transport=polling`, { headers: origin });
      assert.equal(handshake.status, 200);
      assert.equal(
        handshake.headers.get("access-control-allow-origin"),
        "*",
        `Access-Control-Allow-Origin of the handshake on ${path}`,
      );
      const preflight = await request(base, `${path}?EIO=4&transport=polling`, {
        method: "OPTIONS",
        headers: {
          ...origin,
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "content-type",
        },
      });
      assert.equal(preflight.status, 204, `OPTIONS preflight on ${path}: ${show(preflight.text)}`);
      assert.equal(
        preflight.headers.get("access-control-allow-origin"),
        "*",
        `Access-Control-Allow-Origin of the preflight on ${path}`,
      );
    }
  });

  it("R-CFG-5 keep-alive: one connection carries handshake, POST and GET", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const call = (method, path, body) =>
      new Promise((resolve, reject) => {
        const req = http.request(
          `${base}${path}`,
          {
            method,
            agent,
            headers: body === undefined ? {} : { "Content-Type": "text/plain;charset=UTF-8" },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk) => (text += chunk));
            res.on("end", () => resolve({ status: res.statusCode, text, reused: req.reusedSocket }));
          },
        );
        req.setTimeout(3000, () => req.destroy(new Error(`${method} ${path}: timeout`)));
        req.on("error", reject);
        req.end(body);
      });
    try {
      const open = await call("GET", `${EIO}?EIO=4&transport=polling`);
      assert.equal(open.status, 200, show(open.text));
      const sid = JSON.parse(open.text.slice(1)).sid;
      const pushed = await call("POST", `${EIO}?EIO=4&transport=polling&sid=${sid}`, "4keep");
      assert.deepEqual([pushed.status, pushed.text], [200, "ok"]);
      assert.equal(pushed.reused, true, "the POST reused the handshake's connection");
      const polled = await call("GET", `${EIO}?EIO=4&transport=polling&sid=${sid}`);
      assert.deepEqual([polled.status, polled.text], [200, "4keep"]);
      assert.equal(polled.reused, true, "the GET reused the connection");
    } finally {
      agent.destroy();
    }
  });
});

for (const path of [EIO, SIO]) {
  const on = `on ${path}`;

  describe(`R-HS Engine.IO handshake ${on}`, () => {
    it("R-HS-1 polling: 200, '0' + exactly the five keys", async () => {
      const response = await request(base, `${path}?EIO=4&transport=polling`);
      assert.equal(response.status, 200, show(response.text));
      assert.ok(response.text.startsWith("0"), `body ${show(response.text)}`);
      checkOpenPacket(JSON.parse(response.text.slice(1)), ["websocket"], "open packet");
    });

    it("R-HS-2 websocket: first frame '0{...}' with upgrades []", async () => {
      const socket = await rawWs(`${wsBase}${path}?EIO=4&transport=websocket`);
      const first = await socket.next({ what: "open packet" });
      assert.equal(typeof first, "string", `open packet is text: ${show(first)}`);
      assert.ok(first.startsWith("0{"), `open packet ${show(first)}`);
      checkOpenPacket(JSON.parse(first.slice(1)), [], "open packet");
      socket.close();
    });

    it("R-HS-3 EIO missing or not 4 → 400 code 5", async () => {
      for (const query of ["?transport=polling", "?EIO=abc&transport=polling", "?EIO=3&transport=polling"]) {
        const response = await request(base, `${path}${query}`);
        expectError(response, 400, { code: 5, message: "Unsupported protocol version" }, `GET ${query}`);
      }
    });

    it("R-HS-4 transport missing or unknown → 400 code 0", async () => {
      for (const query of ["?EIO=4", "?EIO=4&transport=abc"]) {
        const response = await request(base, `${path}${query}`);
        expectError(response, 400, { code: 0, message: "Transport unknown" }, `GET ${query}`);
      }
    });

    it("R-HS-5 POST or PUT without sid → 400 code 2", async () => {
      for (const method of ["POST", "PUT"]) {
        const response = await request(base, `${path}?EIO=4&transport=polling`, { method, body: "4x" });
        expectError(response, 400, { code: 2, message: "Bad handshake method" }, method);
      }
    });

    it("R-HS-6 unknown sid → 400 code 1 (GET, POST, WebSocket)", async () => {
      const unknown = { code: 1, message: "Session ID unknown" };
      expectError(await get(path, "no-such-sid"), 400, unknown, "GET");
      expectError(await post(path, "no-such-sid", "4x"), 400, unknown, "POST");
      const upgrade = await refusedWs(`${wsBase}${path}?EIO=4&transport=websocket&sid=no-such-sid`);
      assert.equal(upgrade.status, 400, `WebSocket with an unknown sid: ${show(upgrade)}`);
    });

    it("R-HS-7 WebSocket with bad EIO or transport: plain HTTP 400, no upgrade", async () => {
      for (const query of ["?transport=websocket", "?EIO=abc&transport=websocket", "?EIO=4", "?EIO=4&transport=abc"]) {
        const outcome = await refusedWs(`${wsBase}${path}${query}`);
        assert.equal(outcome.status, 400, `upgrade request ${query}: ${show(outcome)}`);
      }
    });
  });

  describe(`R-MSG Engine.IO messages ${on}`, () => {
    it("R-MSG-1 POST with text/plain;charset=UTF-8 → 200 'ok'", async () => {
      const { sid } = await pollingHandshake(base, path);
      // On /socket.io/ the packets must also make sense to Socket.IO: a CONNECT, read back here.
      const body = path === EIO ? "4a\x1e4b" : "40";
      const response = await post(path, sid, body, { "Content-Type": "text/plain;charset=UTF-8" });
      assert.deepEqual([response.status, response.text], [200, "ok"]);
      const polled = await get(path, sid);
      assert.equal(polled.status, 200);
      if (path === EIO) {
        assert.equal(polled.text, "4a\x1e4b");
      } else {
        const packets = polled.text.split("\x1e");
        assert.match(packets[0], /^40\{"sid":"[^"]+"\}$/, `payload ${show(polled.text)}`);
        assert.equal(packets[1], '42["auth",{}]', `payload ${show(polled.text)}`);
        assert.equal(packets.length, 2, `payload ${show(polled.text)}`);
      }
    });

    if (path === EIO) {
      it("R-MSG-2 GET returns all buffered packets in one payload", async () => {
        const { sid } = await pollingHandshake(base, path);
        const pushed = await post(path, sid, "4test1\x1e4test2\x1e4test3");
        assert.deepEqual([pushed.status, pushed.text], [200, "ok"]);
        const polled = await get(path, sid);
        assert.equal(polled.status, 200);
        assert.equal(polled.text, "4test1\x1e4test2\x1e4test3", show(polled.text));
      });

      it("R-MSG-3 binary: 'b'+base64 over polling, binary frames over WebSocket", async () => {
        const { sid } = await pollingHandshake(base, path);
        const pushed = await post(path, sid, "4hello\x1ebAQIDBA==");
        assert.deepEqual([pushed.status, pushed.text], [200, "ok"]);
        const polled = await get(path, sid);
        assert.equal(polled.text, "4hello\x1ebAQIDBA==", show(polled.text));

        const { socket } = await ws(path);
        socket.send(Uint8Array.from([1, 2, 3, 4]));
        const echoed = await socket.next({ what: "binary echo" });
        assert.ok(Buffer.isBuffer(echoed), `a binary frame, got ${show(echoed)}`);
        assert.deepEqual([...echoed], [1, 2, 3, 4]);
        const big = Buffer.alloc(100000, 0xab);
        socket.send(big);
        const bigEcho = await socket.next({ what: "100 kB binary echo", skipPings: true });
        assert.ok(Buffer.isBuffer(bigEcho) && bigEcho.equals(big), "100 kB binary echoed");
        socket.close();
      });

      it("R-MSG-4 echo endpoint sends every message back unchanged", async () => {
        const { socket } = await ws(path);
        for (const message of ["4hello", "4", '4{"a":[1,"é"]}', "4héllo 👋"]) {
          socket.send(message);
          assert.equal(await socket.next({ what: `echo of ${message}`, skipPings: true }), message);
        }
        socket.close();
      });
    }

    it("R-MSG-5 polling: an invalid packet → POST 400 (or dropped), then GET 400", async () => {
      const { sid } = await pollingHandshake(base, path);
      const pushed = await post(path, sid, "abc");
      assert.ok(
        pushed.status === 400 || pushed.status === 0,
        `POST "abc": expected 400 or a dropped connection, got ${pushed.status} ${show(pushed.text)}`,
      );
      const polled = await get(path, sid);
      assert.equal(polled.status, 400, `GET after the invalid packet: ${show(polled.text)}`);
    });

    it("R-MSG-5 websocket: an invalid packet → the server closes the connection", async () => {
      const { socket } = await ws(path);
      socket.autoPong = true; // so that the close is the answer to "abc", not a ping timeout
      socket.send("abc");
      await socket.expectClose(1000, 'close after "abc"');
    });

    it("R-MSG-6 duplicate GET: second → 400/500, first → 200 '1', then 400", async () => {
      const { sid } = await pollingHandshake(base, path);
      const [first, second] = await Promise.all([
        get(path, sid),
        sleep(5).then(() => get(path, sid, "&t=burst")),
      ]);
      assert.ok([400, 500].includes(second.status), `second GET: ${second.status} ${show(second.text)}`);
      assert.deepEqual([first.status, first.text], [200, "1"], "first GET gets the close packet");
      const later = await get(path, sid);
      assert.equal(later.status, 400, `GET after the duplicate: ${show(later.text)}`);
    });
  });

  describe(`R-HB Engine.IO heartbeat ${on}`, () => {
    it("R-HB-1 polling: ping '2' 300 ms after the handshake and after each pong, 3 cycles", async () => {
      const { sid, at } = await pollingHandshake(base, path);
      let since = at;
      for (let i = 0; i < 3; i++) {
        const polled = await get(path, sid);
        const waited = performance.now() - since;
        assert.deepEqual([polled.status, polled.text], [200, "2"], `cycle ${i}: the payload is one ping`);
        assert.ok(waited >= PING_INTERVAL - 50, `cycle ${i}: ping after ${waited.toFixed(0)} ms`);
        const pong = await post(path, sid, "3");
        since = performance.now();
        assert.deepEqual([pong.status, pong.text], [200, "ok"], `cycle ${i}: pong`);
      }
    });

    it("R-HB-1 websocket: three pings, each answered", async () => {
      const { socket } = await ws(path);
      let since = performance.now();
      for (let i = 0; i < 3; i++) {
        const frame = await socket.next({ what: `ping ${i}`, timeoutMs: 1500 });
        const waited = performance.now() - since;
        assert.equal(frame, "2", `frame ${i}`);
        assert.ok(waited >= PING_INTERVAL - 50, `ping ${i} after ${waited.toFixed(0)} ms`);
        socket.send("3");
        since = performance.now();
      }
      socket.close();
    });

    it("R-HB-2 websocket: no pong → closed after pingInterval + pingTimeout", async () => {
      const { socket } = await ws(path);
      const start = performance.now();
      const { at } = await socket.expectClose(2000, "close on ping timeout");
      const elapsed = at - start;
      assert.ok(
        elapsed >= PING_INTERVAL + PING_TIMEOUT - 100,
        `closed after ${elapsed.toFixed(0)} ms, before the ping timeout`,
      );
      assert.equal(await socket.next({ what: "the ping" }), "2", "a ping came before the close");
    });

    it("R-HB-3 polling: GET exactly 500 ms after the handshake → 400", async () => {
      const { sid, at } = await pollingHandshake(base, path);
      await sleep(Math.max(0, PING_INTERVAL + PING_TIMEOUT - (performance.now() - at)));
      const polled = await get(path, sid);
      assert.equal(polled.status, 400, `GET at 500 ms: ${polled.status} ${show(polled.text)}`);
    });

    it("R-HB-4 websocket: a ping from the client closes the session", async () => {
      const { socket } = await ws(path);
      socket.autoPong = true;
      socket.send("2");
      await socket.expectClose(1500, "close after a client ping");
      assert.equal(socket.pending, 0, `no answer to the client ping`);
    });
  });

  describe(`R-CL Engine.IO close ${on}`, () => {
    it("R-CL-1 polling: pending GET → 200 '6' on close, then 400", async () => {
      const { sid } = await pollingHandshake(base, path);
      const pending = get(path, sid);
      await sleep(30); // the GET is held by the server before the close arrives
      const closing = await post(path, sid, "1");
      assert.equal(closing.status, 200, `POST "1": ${show(closing.text)}`);
      const held = await pending;
      assert.deepEqual([held.status, held.text], [200, "6"], "the pending GET gets a noop");
      const later = await get(path, sid);
      assert.equal(later.status, 400, `GET after close: ${show(later.text)}`);
    });

    it("R-CL-2 websocket: '1' → the server closes the WebSocket", async () => {
      const { socket } = await ws(path);
      socket.autoPong = true; // so that the close is the answer to "1", not a ping timeout
      socket.send("1");
      await socket.expectClose(1000, 'close after "1"');
    });
  });

  describe(`R-UP Engine.IO upgrade ${on}`, () => {
    it("R-UP-1 probe, noop to pending and arriving GETs, then messages on the WebSocket", async () => {
      const { sid } = await pollingHandshake(base, path);
      const pending = get(path, sid);
      await sleep(20);
      const socket = await rawWs(`${wsBase}${path}?EIO=4&transport=websocket&sid=${sid}`);
      socket.send("2probe");
      assert.equal(await socket.next({ what: "3probe" }), "3probe");
      const held = await pending;
      assert.deepEqual([held.status, held.text], [200, "6"], "the GET pending during the probe");
      const arriving = await get(path, sid);
      assert.deepEqual([arriving.status, arriving.text], [200, "6"], "a GET during the upgrade");
      socket.send("5");
      if (path === EIO) {
        socket.send("4hello");
        assert.equal(await socket.next({ what: "echo", skipPings: true }), "4hello");
      } else {
        socket.send("40");
        assert.match(await socket.next({ what: "CONNECT answer", skipPings: true }), /^40\{"sid":/);
        assert.equal(await socket.next({ what: "auth", skipPings: true }), '42["auth",{}]');
      }
      socket.close();
    });

    it("R-UP-2 after the upgrade a polling GET → 400", async () => {
      const { sid } = await pollingHandshake(base, path);
      const socket = await upgrade(path, sid);
      await sleep(20);
      const polled = await get(path, sid);
      assert.equal(polled.status, 400, `GET after upgrade: ${show(polled.text)}`);
      if (path === EIO) {
        socket.send("4after");
        assert.equal(await socket.next({ what: "echo", skipPings: true }), "4after");
      }
      socket.close();
    });

    it("R-UP-3 after the upgrade a second WebSocket with the sid is opened, then closed", async () => {
      const { sid } = await pollingHandshake(base, path);
      const socket = await upgrade(path, sid);
      await sleep(20);
      // Accepted and then closed, as the reference does: the suites run under Node, where a
      // refused handshake (HTTP 400) is an uncaught "Unexpected server response" error.
      const second = await refusedWs(`${wsBase}${path}?EIO=4&transport=websocket&sid=${sid}`);
      assert.equal(second.closed, true, `second WebSocket: ${show(second)}`);
      assert.deepEqual(second.frames, [], "the second WebSocket got no frame");
      assert.ok(socket.isOpen, "the upgraded WebSocket is still open");
      if (path === EIO) {
        socket.send("4hello");
        assert.equal(await socket.next({ what: "echo", skipPings: true }), "4hello");
      }
      socket.close();
    });

    it("R-UP-4 '2probe','5' then a GET: 3probe first, GET → 400 (25 rounds)", async () => {
      // The GET leaves after "2probe" and "5" were written; a server that answers it before it
      // has read "5" (200 "6") fails some rounds, hence the repetitions.
      for (let round = 0; round < 25; round++) {
        const { sid } = await pollingHandshake(base, path);
        const socket = await rawWs(`${wsBase}${path}?EIO=4&transport=websocket&sid=${sid}`);
        socket.send("2probe");
        socket.send("5");
        const polled = await get(path, sid);
        assert.equal(
          polled.status,
          400,
          `round ${round}: GET after "2probe","5": ${polled.status} ${show(polled.text)}`,
        );
        await new Promise((resolve) => setImmediate(resolve));
        assert.ok(socket.pending > 0, `round ${round}: 3probe had arrived when the GET was answered`);
        assert.equal(await socket.next({ what: "3probe" }), "3probe");
        if (path === EIO) {
          socket.send("4hello");
          assert.equal(await socket.next({ what: "echo", skipPings: true }), "4hello");
        }
        socket.terminate();
        sockets.delete(socket);
      }
    });
  });
}

describe("R-SIO Socket.IO on /socket.io/", () => {
  it("R-SIO-1/2 CONNECT '40' → '40{\"sid\"}' only, then 42[\"auth\",{}]", async () => {
    const { socket } = await ws(SIO);
    socket.send("40");
    const connect = await socket.next({ what: "CONNECT answer" });
    assert.ok(connect.startsWith("40"), show(connect));
    const handshake = JSON.parse(connect.slice(2));
    assert.deepEqual(Object.keys(handshake), ["sid"], `CONNECT answer ${show(connect)} has only sid`);
    assert.equal(typeof handshake.sid, "string");
    assert.equal(await socket.next({ what: "auth" }), '42["auth",{}]');
    socket.close();
  });

  it("R-SIO-2 CONNECT with a payload → auth event carries it", async () => {
    const { socket } = await ws(SIO);
    socket.send('40{"token":"123"}');
    const connect = await socket.next({ what: "CONNECT answer" });
    assert.deepEqual(Object.keys(JSON.parse(connect.slice(2))), ["sid"], show(connect));
    assert.equal(await socket.next({ what: "auth" }), '42["auth",{"token":"123"}]');
    socket.close();
  });

  it("R-SIO-2 CONNECT over polling: payload '40{sid}' \\x1e '42[\"auth\",{}]'", async () => {
    const { sid } = await pollingHandshake(base, SIO);
    const pushed = await post(SIO, sid, '40{"x":1}');
    assert.deepEqual([pushed.status, pushed.text], [200, "ok"]);
    const polled = await get(SIO, sid);
    const packets = polled.text.split("\x1e");
    assert.equal(packets.length, 2, `payload ${show(polled.text)}`);
    assert.match(packets[0], /^40\{"sid":"[^"]+"\}$/);
    assert.equal(packets[1], '42["auth",{"x":1}]');
  });

  for (const [sent, auth] of [
    ["40/custom,", "{}"],
    ["40/custom", "{}"],
    ['40/custom,{"token":"abc"}', '{"token":"abc"}'],
  ]) {
    it(`R-SIO-3 ${sent} → 40/custom,{"sid"} then auth ${auth}`, async () => {
      const { socket } = await ws(SIO);
      socket.send(sent);
      const connect = await socket.next({ what: "CONNECT answer" });
      assert.ok(connect.startsWith("40/custom,"), show(connect));
      assert.deepEqual(Object.keys(JSON.parse(connect.slice(10))), ["sid"], show(connect));
      assert.equal(await socket.next({ what: "auth" }), `42/custom,["auth",${auth}]`);
      socket.close();
    });
  }

  it("R-SIO-4 unknown namespace → exactly 44/random,{\"message\":\"Invalid namespace\"}, session stays", async () => {
    const { socket } = await ws(SIO);
    socket.send("40/random");
    assert.equal(
      await socket.next({ what: "CONNECT_ERROR" }),
      '44/random,{"message":"Invalid namespace"}',
    );
    socket.send("40");
    assert.match(await socket.next({ what: "CONNECT answer" }), /^40\{"sid":/);
    assert.equal(await socket.next({ what: "auth" }), '42["auth",{}]');
    assert.ok(socket.isOpen);
    socket.close();
  });

  it("R-SIO-5 a first packet that is not a CONNECT closes the connection", async () => {
    const { socket } = await ws(SIO);
    socket.autoPong = true;
    socket.send("4abc");
    await socket.expectClose(700, 'close after "4abc" as first packet');
    const { socket: other } = await ws(SIO);
    other.autoPong = true;
    other.send('42["message","no connect"]');
    await other.expectClose(700, "close after an EVENT as first packet");
  });

  it("R-SIO-5 no CONNECT at all → closed within 2 s", async () => {
    const { socket } = await ws(SIO);
    await socket.expectClose(2000, "close for lack of a CONNECT");
  });

  it("R-SIO-6 DISCONNECT '41' of the last namespace: nothing sent back, session stays open", async () => {
    const { socket } = await sioConnect();
    socket.send("41");
    assert.equal(await socket.next({ what: "next frame after 41", timeoutMs: 1000 }), "2", "the ping");
    socket.send("3");
    assert.ok(socket.isOpen, "the Engine.IO session is still open");
    socket.send("40");
    assert.match(await socket.next({ what: "reconnect answer", skipPings: true }), /^40\{"sid":/);
    socket.close();
  });

  it("R-SIO-6 '41/custom' leaves '/' connected", async () => {
    const { socket } = await sioConnect();
    socket.send("40/custom");
    assert.match(await socket.next({ what: "custom CONNECT answer", skipPings: true }), /^40\/custom,\{/);
    assert.equal(await socket.next({ what: "custom auth", skipPings: true }), '42/custom,["auth",{}]');
    socket.send("41/custom");
    socket.send('42["message","message to main namespace"]');
    assert.equal(
      await socket.next({ what: "message-back", skipPings: true }),
      '42["message-back","message to main namespace"]',
    );
    socket.close();
  });

  it("R-SIO-7 exact bytes: compact JSON, argument and key order kept", async () => {
    const { socket } = await sioConnect();
    const cases = [
      ['42["message",1,"2",{"3":[true]}]', '42["message-back",1,"2",{"3":[true]}]'],
      ['42456["message-with-ack",1,"2",{"3":[false]}]', '43456[1,"2",{"3":[false]}]'],
      ['42["message",{"z":1,"a":[null,{"y":false,"b":"c"}]},"x"]', '42["message-back",{"z":1,"a":[null,{"y":false,"b":"c"}]},"x"]'],
      ['420["message-with-ack"]', "430[]"],
    ];
    for (const [sent, expected] of cases) {
      socket.send(sent);
      assert.equal(await socket.next({ what: `answer to ${sent}`, skipPings: true }), expected);
    }
    // Non-ASCII and escapes: compared as JSON values, since escaping is free to differ.
    const args = ["héllo 👋", 'q"uote\\back\nline\u2028', 1.5, -3, 1e21, 12345678901234];
    socket.send(`42${JSON.stringify(["message", ...args])}`);
    const back = await socket.next({ what: "unicode echo", skipPings: true });
    assert.ok(back.startsWith("42"), show(back));
    assert.deepEqual(JSON.parse(back.slice(2)), ["message-back", ...args]);
    socket.close();
  });

  it("R-SIO-8 binary attachments: BINARY_EVENT and BINARY_ACK with frames in order", async () => {
    const { socket } = await sioConnect();
    const placeholders = '{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}';
    socket.send(`452-["message",${placeholders}]`);
    socket.send(Uint8Array.from([1, 2, 3]));
    socket.send(Uint8Array.from([4, 5, 6]));
    assert.equal(await socket.next({ what: "BINARY_EVENT", skipPings: true }), `452-["message-back",${placeholders}]`);
    assert.deepEqual([...(await socket.next({ what: "attachment 0", skipPings: true }))], [1, 2, 3]);
    assert.deepEqual([...(await socket.next({ what: "attachment 1", skipPings: true }))], [4, 5, 6]);

    socket.send(`452-789["message-with-ack",${placeholders}]`);
    socket.send(Uint8Array.from([1, 2, 3]));
    socket.send(Uint8Array.from([4, 5, 6]));
    assert.equal(await socket.next({ what: "BINARY_ACK", skipPings: true }), `462-789[${placeholders}]`);
    assert.deepEqual([...(await socket.next({ what: "ack attachment 0", skipPings: true }))], [1, 2, 3]);
    assert.deepEqual([...(await socket.next({ what: "ack attachment 1", skipPings: true }))], [4, 5, 6]);
    socket.close();
  });

  for (const bad of ["4abc", "42{}", '42abc["message-with-ack",1,"2",{"3":[false]}]']) {
    it(`R-SIO-9 malformed packet ${bad} closes the connection`, async () => {
      const { socket } = await sioConnect();
      socket.autoPong = true;
      socket.send(bad);
      await socket.expectClose(1000, `close after ${bad}`);
    });
  }
});

describe("graceful shutdown", () => {
  it("SIGTERM closes the open connections and exits with code 0", async () => {
    const { socket } = await sioConnect();
    socket.autoPong = true;
    const exit = await server.terminate(10000);
    assert.deepEqual(exit, { code: 0, signal: null }, "exit status after SIGTERM");
    await socket.expectClose(2000, "the connection closing with the server");
  });
});
