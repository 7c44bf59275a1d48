// SPDX-License-Identifier: MIT
//
// The chat event contract of docs/protocol.md (community rooms) in memory, on Node.js
// and the npm socket.io v4 package: the stack of the original design. bench/ measures it side by
// side with the C++ server, so it is written the way a careful Node.js service would be written
// (one encode per broadcast through socket.io rooms, no per-event logging), not handicapped.
//
// Usage: node server.js [port]      (port 0 or absent: an ephemeral port)
// Environment: CHAT_JWT_SECRET (required), CHAT_RATE_LIMIT_PER_MIN (default 30; 0 = no limit),
//              PORT, CHAT_HOST (default 127.0.0.1), CHAT_LISTEN_BACKLOG (default 511, Node's).
// Prints one JSON line {"listening":true,"host","port","pid"} once it accepts connections.
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const { Server } = require('socket.io');

const args = process.argv.slice(2);
function option(name) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
}
const positional = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));

const secret = option('--jwt-secret') ?? process.env.CHAT_JWT_SECRET;
if (!secret) {
  console.error('server.js: set CHAT_JWT_SECRET (or --jwt-secret)');
  process.exit(2);
}
const host = option('--host') ?? process.env.CHAT_HOST ?? '127.0.0.1';
const port = Number(option('--port') ?? positional ?? process.env.PORT ?? 0);
const backlog = Number(process.env.CHAT_LISTEN_BACKLOG ?? 511);
const rateLimitPerMin = Number(process.env.CHAT_RATE_LIMIT_PER_MIN ?? 30);
const MAX_CONNECTIONS_PER_USER = 3;
const MAX_MESSAGE_CHARS = 2000;
const HISTORY_PAGE = 50;
const USERS_PAGE = 100;
const PRESENCE_LIST_LIMIT = 100;
const PRESENCE_INTERVAL_MS = 1000;
const TYPING_INTERVAL_MS = 2000;

// ---------------------------------------------------------------------------------------------
// JWT (HS256 only), verified with node:crypto.

const secretKey = Buffer.from(secret, 'utf8');

function decodeSegment(segment) {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

function verifyToken(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  let header;
  let claims;
  try {
    header = decodeSegment(parts[0]);
    claims = decodeSegment(parts[1]);
  } catch {
    return null;
  }
  if (!header || header.alg !== 'HS256' || !claims || typeof claims !== 'object') return null;
  const expected = crypto.createHmac('sha256', secretKey).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= now) return null;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) return null;
  if (!Number.isSafeInteger(claims.user_id) || claims.user_id <= 0) return null;
  if (claims.role !== undefined && !['member', 'moderator', 'admin'].includes(claims.role)) return null;
  return {
    id: claims.user_id,
    name: typeof claims.name === 'string' ? claims.name : '',
    avatar: typeof claims.avatar === 'string' ? claims.avatar : '',
    membership: claims.membership === 'vip' ? 'vip' : 'free',
    role: claims.role ?? 'member',
  };
}

function tokenFromHandshake(handshake) {
  if (handshake.auth && typeof handshake.auth.token === 'string') return handshake.auth.token;
  const authorization = handshake.headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
    return authorization.slice(7).trim();
  }
  if (typeof handshake.query.token === 'string') return handshake.query.token;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// In-memory state.

const DEFAULT_ROOMS = [
  ['general', 'General', 'General chat, say hello', '💬'],
  ['ai-tools', 'AI Tools', 'AI tools: ChatGPT, Gemini, Claude', '🤖'],
  ['n8n-automation', 'N8N Automation', 'N8N workflows and automation', '⚡'],
  ['vibe-coding', 'Vibe Coding', 'Vibe coding, templates, projects', '💻'],
  ['blockchain', 'Blockchain', 'Web3, smart contracts, DeFi', '🔗'],
  ['help', 'Help', 'Questions and technical help', '🆘'],
];

class Room {
  constructor(id, slug, name, description, icon) {
    Object.assign(this, { id, slug, name, description, icon, type: 'community' });
    this.channel = `room:${id}`;
    this.messages = []; // ascending ids
    this.online = new Map(); // userId -> {user, sockets}
    this.pendingJoined = new Map();
    this.pendingLeft = new Set();
    this.presenceTimer = null;
    this.lastPresenceAt = 0;
    this.lastPresenceTotal = 0;
  }

  toJSON() {
    const { id, slug, name, description, icon, type } = this;
    return { id, slug, name, description, icon, type, online: this.online.size, unread: 0 };
  }

  firstUsers(offset, limit) {
    const users = [];
    let index = 0;
    for (const entry of this.online.values()) {
      if (index++ < offset) continue;
      if (users.length >= limit) break;
      users.push(entry.user);
    }
    return users;
  }

  // The index of the first message with an id greater than `id`.
  indexAfter(id) {
    let lo = 0;
    let hi = this.messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.messages[mid].id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const rooms = new Map();
const roomsBySlug = new Map();
DEFAULT_ROOMS.forEach(([slug, name, description, icon], i) => {
  const room = new Room(i + 1, slug, name, description, icon);
  rooms.set(room.id, room);
  roomsBySlug.set(slug, room);
});

let nextMessageId = 1;
const connectionsPerUser = new Map();
const rateWindows = new Map(); // userId -> {start, count}
const typingShownAt = new Map(); // `${userId}:${roomId}` -> ms

// ---------------------------------------------------------------------------------------------
// Socket.IO server.

const httpServer = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', storage: 'memory', broker: 'none' }));
    return;
  }
  if (req.method === 'GET' && req.url === '/api/v1/rooms') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ rooms: [...rooms.values()] }));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: 'not_found', message: 'Not found' } }));
});

const io = new Server(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  pingInterval: 25000,
  pingTimeout: 20000,
  maxHttpBufferSize: 1e6,
});

class ChatError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function isId(value) {
  return Number.isSafeInteger(value) && value > 0;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Every handler takes (payload, ack); `socket.emit('room:list', cb)` puts the ack first.
function handle(socket, event, handler) {
  socket.on(event, (payload, ack) => {
    if (typeof payload === 'function' && ack === undefined) {
      ack = payload;
      payload = undefined;
    }
    try {
      const result = handler(payload);
      if (typeof ack === 'function') ack({ ok: true, ...result });
    } catch (error) {
      const code = error instanceof ChatError ? error.code : 'server_error';
      const message = error instanceof ChatError ? error.message : 'Internal error';
      if (typeof ack === 'function') ack({ ok: false, error: { code, message } });
      else socket.emit('chat:error', { code, message, event });
    }
  });
}

function roomFromPayload(payload) {
  if (!isObject(payload)) throw new ChatError('invalid_payload', 'Expected an object');
  let room;
  if (payload.roomId !== undefined) {
    if (!isId(payload.roomId)) throw new ChatError('invalid_payload', 'roomId must be an id');
    room = rooms.get(payload.roomId);
  } else if (typeof payload.roomSlug === 'string') {
    room = roomsBySlug.get(payload.roomSlug);
  } else {
    throw new ChatError('invalid_payload', 'roomId or roomSlug is required');
  }
  if (!room) throw new ChatError('not_found', 'No such room');
  return room;
}

function memberRoom(socket, payload) {
  const room = roomFromPayload(payload);
  if (!socket.data.rooms.has(room.id)) throw new ChatError('forbidden', 'Not a member of this room');
  return room;
}

function schedulePresence(room) {
  if (room.presenceTimer) return;
  const delay = Math.max(0, room.lastPresenceAt + PRESENCE_INTERVAL_MS - Date.now());
  room.presenceTimer = setTimeout(() => flushPresence(room), delay);
}

function flushPresence(room) {
  room.presenceTimer = null;
  const total = room.online.size;
  if (room.pendingJoined.size === 0 && room.pendingLeft.size === 0 && total === room.lastPresenceTotal) {
    return;
  }
  let payload;
  if (total > PRESENCE_LIST_LIMIT) {
    payload = { roomId: room.id, total };
  } else {
    payload = { roomId: room.id, joined: [...room.pendingJoined.values()], left: [...room.pendingLeft], total };
  }
  room.pendingJoined.clear();
  room.pendingLeft.clear();
  room.lastPresenceAt = Date.now();
  room.lastPresenceTotal = total;
  io.to(room.channel).emit('room:presence', payload);
}

function enterRoom(socket, room) {
  const user = socket.data.user;
  socket.data.rooms.add(room.id);
  socket.join(room.channel);
  const entry = room.online.get(user.id);
  if (entry) {
    entry.sockets++;
    return;
  }
  const publicUser = { id: user.id, name: user.name, avatar: user.avatar };
  room.online.set(user.id, { user: publicUser, sockets: 1 });
  if (room.pendingLeft.has(user.id)) room.pendingLeft.delete(user.id);
  else room.pendingJoined.set(user.id, publicUser);
  schedulePresence(room);
}

function exitRoom(socket, room) {
  const user = socket.data.user;
  if (!socket.data.rooms.delete(room.id)) return;
  socket.leave(room.channel);
  const entry = room.online.get(user.id);
  if (!entry || --entry.sockets > 0) return;
  room.online.delete(user.id);
  if (room.pendingJoined.has(user.id)) room.pendingJoined.delete(user.id);
  else room.pendingLeft.add(user.id);
  schedulePresence(room);
}

function allowMessage(userId) {
  if (!(rateLimitPerMin > 0)) return true;
  const now = Date.now();
  let window = rateWindows.get(userId);
  if (!window || now - window.start >= 60000) {
    window = { start: now, count: 0 };
    rateWindows.set(userId, window);
  }
  return ++window.count <= rateLimitPerMin;
}

function characterCount(text) {
  // UTF-16 length is an upper bound of the code point count: count exactly only when needed.
  if (text.length <= MAX_MESSAGE_CHARS) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

io.use((socket, next) => {
  const user = verifyToken(tokenFromHandshake(socket.handshake));
  if (!user) return next(new Error('unauthorized'));
  const live = connectionsPerUser.get(user.id) ?? 0;
  if (live >= MAX_CONNECTIONS_PER_USER) return next(new Error('too_many_connections'));
  connectionsPerUser.set(user.id, live + 1);
  socket.data.user = user;
  socket.data.rooms = new Set();
  next();
});

io.on('connection', (socket) => {
  const user = socket.data.user;

  handle(socket, 'room:list', () => ({ rooms: [...rooms.values()].map((room) => room.toJSON()) }));

  handle(socket, 'room:join', (payload) => {
    const room = roomFromPayload(payload);
    let since;
    if (payload.since !== undefined && payload.since !== null) {
      if (!Number.isSafeInteger(payload.since) || payload.since < 0) {
        throw new ChatError('invalid_payload', 'since must be a message id');
      }
      since = payload.since;
    }
    enterRoom(socket, room);
    let messages;
    let hasMore;
    if (since !== undefined) {
      messages = room.messages.slice(room.indexAfter(since));
      hasMore = false;
    } else {
      const start = Math.max(0, room.messages.length - HISTORY_PAGE);
      messages = room.messages.slice(start);
      hasMore = start > 0;
    }
    // The ack goes out first so that the client knows the room before its history arrives.
    process.nextTick(() => {
      socket.emit('room:history', { roomId: room.id, messages, hasMore });
      socket.emit('room:users', { roomId: room.id, users: room.firstUsers(0, USERS_PAGE), total: room.online.size });
    });
    return { room: room.toJSON() };
  });

  handle(socket, 'room:leave', (payload) => {
    exitRoom(socket, memberRoom(socket, payload));
    return {};
  });

  handle(socket, 'room:members', (payload) => {
    const room = memberRoom(socket, payload);
    const offset = payload.offset ?? 0;
    const limit = payload.limit ?? USERS_PAGE;
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 1 || limit > USERS_PAGE) {
      throw new ChatError('invalid_payload', 'offset/limit out of range');
    }
    return { users: room.firstUsers(offset, limit), total: room.online.size };
  });

  handle(socket, 'message:send', (payload) => {
    const room = memberRoom(socket, payload);
    if (typeof payload.message !== 'string') throw new ChatError('invalid_payload', 'message must be a string');
    const text = payload.message.trim();
    if (text.length === 0) throw new ChatError('invalid_payload', 'message is empty');
    if (characterCount(text) > MAX_MESSAGE_CHARS) throw new ChatError('message_too_long', 'At most 2000 characters');
    const type = payload.type ?? 'text';
    if (!['text', 'image', 'link'].includes(type)) throw new ChatError('invalid_payload', 'Unknown message type');
    const replyTo = payload.replyTo ?? null;
    if (replyTo !== null && !isId(replyTo)) throw new ChatError('invalid_payload', 'replyTo must be an id');
    const clientId = payload.clientId ?? null;
    if (clientId !== null && (typeof clientId !== 'string' || clientId.length > 100)) {
      throw new ChatError('invalid_payload', 'clientId must be a short string');
    }
    if (!allowMessage(user.id)) throw new ChatError('rate_limited', 'Too many messages');
    const message = {
      id: nextMessageId++,
      roomId: room.id,
      user: { id: user.id, name: user.name, avatar: user.avatar },
      message: text,
      type,
      replyTo,
      clientId,
      created_at: new Date().toISOString(),
      edited_at: null,
      deleted: false,
    };
    room.messages.push(message);
    io.to(room.channel).emit('message:new', message);
    return { id: message.id, created_at: message.created_at };
  });

  handle(socket, 'message:history', (payload) => {
    const room = roomFromPayload(payload);
    const limit = payload.limit ?? HISTORY_PAGE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100) throw new ChatError('invalid_payload', 'limit must be 1..100');
    let end = room.messages.length;
    if (payload.before !== undefined && payload.before !== null) {
      if (!isId(payload.before)) throw new ChatError('invalid_payload', 'before must be an id');
      end = room.indexAfter(payload.before - 1);
    }
    const start = Math.max(0, end - limit);
    return { messages: room.messages.slice(start, end), hasMore: start > 0 };
  });

  handle(socket, 'room:read', (payload) => {
    const room = memberRoom(socket, payload);
    if (!isId(payload.messageId)) throw new ChatError('invalid_payload', 'messageId must be an id');
    socket.to(room.channel).emit('room:read', { roomId: room.id, userId: user.id, messageId: payload.messageId });
    return {};
  });

  handle(socket, 'typing:start', (payload) => {
    const room = memberRoom(socket, payload);
    const key = `${user.id}:${room.id}`;
    const now = Date.now();
    if (now - (typingShownAt.get(key) ?? 0) >= TYPING_INTERVAL_MS) {
      typingShownAt.set(key, now);
      socket.to(room.channel).emit('typing:show', { roomId: room.id, user: { id: user.id, name: user.name, avatar: user.avatar } });
    }
    return {};
  });

  handle(socket, 'typing:stop', (payload) => {
    const room = memberRoom(socket, payload);
    typingShownAt.delete(`${user.id}:${room.id}`);
    socket.to(room.channel).emit('typing:hide', { roomId: room.id, user: { id: user.id, name: user.name, avatar: user.avatar } });
    return {};
  });

  socket.on('disconnect', () => {
    for (const roomId of [...socket.data.rooms]) exitRoom(socket, rooms.get(roomId));
    const live = (connectionsPerUser.get(user.id) ?? 1) - 1;
    if (live > 0) connectionsPerUser.set(user.id, live);
    else connectionsPerUser.delete(user.id);
  });
});

httpServer.listen({ port, host, backlog }, () => {
  const address = httpServer.address();
  process.stdout.write(`${JSON.stringify({ listening: true, host: address.address, port: address.port, pid: process.pid })}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
