// SPDX-License-Identifier: MIT
// Helpers of the wire-level conformance tests: the server process, HTTP long-polling requests
// and a WebSocket client that keeps every frame in a queue.

import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { importDependency } from "./deps.mjs";

const { WebSocket } = await importDependency("ws");

export { sleep };

//! Rejects with \a what when \a promise has not settled within \a ms.
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

//! Shows a payload with its control characters visible (\x1e separators, binary frames).
export function show(value) {
  if (Buffer.isBuffer(value)) {
    return `<binary ${JSON.stringify([...value])}>`;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// The server under test

//! A chat-server process started on port 0; the URL is read from its "listening on" line.
export class ServerProcess {
  static async start(bin, args, { startTimeoutMs = 20000 } = {}) {
    if (!bin) {
      throw new Error("CHAT_SERVER_BIN is not set: it must name the chat-server executable");
    }
    const server = new ServerProcess(bin, args);
    await withTimeout(server.#listening, startTimeoutMs, `"${bin}" printing its listening line`);
    return server;
  }

  url = null;
  exit = null; // {code, signal} once the process is gone
  #child;
  #listening;
  #exited;
  #stdout = "";

  constructor(bin, args) {
    this.#child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#exited = new Promise((resolve) => {
      this.#child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    this.#listening = new Promise((resolve, reject) => {
      this.#child.once("error", reject);
      this.#exited.then(({ code, signal }) =>
        reject(new Error(`server exited before listening (code ${code}, signal ${signal})`)),
      );
      this.#child.stdout.setEncoding("utf8");
      this.#child.stdout.on("data", (chunk) => {
        process.stderr.write(prefixLines("[server stdout] ", chunk));
        if (this.url) {
          return;
        }
        this.#stdout += chunk;
        const match = /chat-server listening on (https?:\/\/\S+)/.exec(this.#stdout);
        if (match) {
          this.url = match[1].replace(/\/$/, "");
          resolve();
        }
      });
    });
    // Forwarded so that a failing ctest run shows the server's log next to the assertion.
    this.#child.stderr.setEncoding("utf8");
    this.#child.stderr.on("data", (chunk) =>
      process.stderr.write(prefixLines("[server stderr] ", chunk)),
    );
  }

  get running() {
    return this.exit === null;
  }

  //! Sends SIGTERM and resolves with {code, signal} when the process has exited.
  async terminate(timeoutMs = 10000) {
    if (this.running) {
      this.#child.kill("SIGTERM");
    }
    return withTimeout(this.#exited, timeoutMs, "server exit after SIGTERM");
  }

  kill() {
    if (this.running) {
      this.#child.kill("SIGKILL");
    }
  }
}

function prefixLines(prefix, text) {
  return text.replace(/^(?=.)/gm, prefix);
}

// ---------------------------------------------------------------------------------------------
// HTTP long-polling

//! One HTTP request; resolves with {status, text, headers}, or {status: 0, error} when the
//! server dropped the connection (allowed in a few places, e.g. R-MSG-5).
export async function request(base, path, { method = "GET", body, headers, timeoutMs = 5000 } = {}) {
  try {
    const response = await fetch(base + path, {
      method,
      body,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  } catch (error) {
    if (error?.name === "TimeoutError") {
      throw new Error(`${method} ${path}: no answer within ${timeoutMs} ms`);
    }
    return { status: 0, text: "", headers: new Headers(), error };
  }
}

//! Engine.IO polling handshake on \a path; resolves with {sid, open, at} (at: performance.now()
//! when the answer arrived).
export async function pollingHandshake(base, path) {
  const response = await request(base, `${path}?EIO=4&transport=polling`);
  const at = performance.now();
  if (response.status !== 200 || !response.text.startsWith("0")) {
    throw new Error(
      `polling handshake on ${path}: expected 200 "0{...}", got ${response.status} ${show(response.text)}`,
    );
  }
  const open = JSON.parse(response.text.slice(1));
  return { sid: open.sid, open, at };
}

// ---------------------------------------------------------------------------------------------
// WebSocket

//! A WebSocket whose incoming frames are queued and handed out one at a time by next().
//!
//! The `ws` package emits every frame of one TCP read synchronously, so a test that awaits
//! frames with one-shot listeners can miss the second of two frames written back to back.
//! Here no frame is ever dropped: each is queued, then handed to a waiting next() in its own
//! macrotask, in order.
export class FrameSocket {
  //! Resolves once the WebSocket is open; rejects with .status set when the server answered
  //! the upgrade request with plain HTTP.
  static open(url, { timeoutMs = 3000 } = {}) {
    const ws = new WebSocket(url);
    ws.binaryType = "nodebuffer";
    const socket = new FrameSocket(ws);
    const opened = new Promise((resolve, reject) => {
      ws.once("open", () => resolve(socket));
      ws.once("unexpected-response", (req, res) => {
        const error = new Error(`upgrade refused with HTTP ${res.statusCode}`);
        error.status = res.statusCode;
        res.resume();
        req.destroy();
        reject(error);
      });
      ws.once("error", reject);
    });
    return withTimeout(opened, timeoutMs, `WebSocket open ${url}`).catch((error) => {
      ws.terminate();
      throw error;
    });
  }

  //! Number of server pings answered automatically (see autoPong).
  pongsSent = 0;
  //! When true, each "2" from the server is answered with "3" and not queued.
  autoPong = false;
  closeInfo = null;
  closed;

  #ws;
  #frames = [];
  #waiters = [];
  #pumping = false;

  constructor(ws) {
    this.#ws = ws;
    ws.on("message", (data, isBinary) => {
      const frame = isBinary ? Buffer.from(data) : data.toString("utf8");
      if (this.autoPong && frame === "2") {
        this.pongsSent += 1;
        ws.send("3");
        return;
      }
      this.#frames.push(frame);
      this.#schedule();
    });
    // Errors (e.g. ECONNRESET) always end with a close event, which is what the tests await.
    ws.on("error", () => {});
    this.closed = new Promise((resolve) => {
      ws.once("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString(), at: performance.now() };
        resolve(this.closeInfo);
        this.#schedule();
      });
    });
  }

  get pending() {
    return this.#frames.length;
  }

  get isOpen() {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  send(data) {
    this.#ws.send(data);
  }

  //! The next frame (string for text, Buffer for binary). With skipPings, "2" frames are
  //! answered with "3" and skipped.
  async next({ timeoutMs = 2000, skipPings = false, what = "next frame" } = {}) {
    for (;;) {
      const waiter = { settled: false };
      const promise = new Promise((resolve, reject) => {
        waiter.resolve = resolve;
        waiter.reject = reject;
      });
      this.#waiters.push(waiter);
      this.#schedule();
      let frame;
      try {
        frame = await withTimeout(promise, timeoutMs, what);
      } catch (error) {
        waiter.settled = true;
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        const state = this.closeInfo ? `closed with code ${this.closeInfo.code}` : "still open";
        error.message += ` (connection ${state})`;
        throw error;
      }
      if (skipPings && frame === "2") {
        this.send("3");
        continue;
      }
      return frame;
    }
  }

  //! Resolves with the close info when the server closes the connection within \a timeoutMs.
  //! Frames still queued are kept.
  expectClose(timeoutMs = 2000, what = "the server closing the WebSocket") {
    return withTimeout(this.closed, timeoutMs, what);
  }

  close() {
    this.#ws.close();
  }

  terminate() {
    this.#ws.terminate();
  }

  #schedule() {
    if (this.#pumping) {
      return;
    }
    this.#pumping = true;
    setImmediate(() => this.#pump());
  }

  // One frame per macrotask, like a browser's WebSocket task queue.
  #pump() {
    this.#pumping = false;
    const waiter = this.#waiters.find((w) => !w.settled);
    if (!waiter) {
      return;
    }
    if (this.#frames.length > 0) {
      waiter.settled = true;
      waiter.resolve(this.#frames.shift());
    } else if (this.closeInfo) {
      waiter.settled = true;
      waiter.reject(
        new Error(
          `connection closed (code ${this.closeInfo.code}) while waiting for a frame`,
        ),
      );
    } else {
      return;
    }
    this.#waiters = this.#waiters.filter((w) => !w.settled);
    if (this.#waiters.length > 0) {
      this.#schedule();
    }
  }
}

//! Opens an Engine.IO WebSocket on \a path and reads the open packet; resolves with
//! {socket, open}.
export async function websocketHandshake(wsBase, path, query = "") {
  const socket = await FrameSocket.open(`${wsBase}${path}?EIO=4&transport=websocket${query}`);
  const first = await socket.next({ what: "Engine.IO open packet" });
  if (typeof first !== "string" || !first.startsWith("0")) {
    socket.terminate();
    throw new Error(`expected the open packet "0{...}" first, got ${show(first)}`);
  }
  return { socket, open: JSON.parse(first.slice(1)) };
}
