// SPDX-License-Identifier: MIT
#include "socketioserver.h"

#include "engineioserver.h"
#include "io/websocket.h"
#include "iofrontend.h"
#include "logging.h"

#include <QtCore/QTimer>
#include <QtCore/QVarLengthArray>

using namespace Qt::StringLiterals;

namespace chat::transport {

struct SocketIoServer::Socket
{
    SocketId id = 0;
    QString nsp;
    Client *client = nullptr;
    //! False while a CONNECT waits for approval.
    bool connected = false;
    //! Only until the handlers have had it (connectRequested, socketConnected): thousands of
    //! idle sockets need not keep their request headers.
    std::unique_ptr<Handshake> handshake;
    //! A socket is in a few rooms: a list costs far less than a hash (whose first allocation
    //! has room for dozens of entries) and is as fast to search at that size.
    QList<QString> rooms;
    //! Acknowledgement ids sent to the client → the requester's ids.
    QHash<qint64, qint64> pendingAcks;
    qint64 nextAckId = 0;
};

//! One Engine.IO session: served by Qt in this thread (session) or by an I/O thread (remote).
struct SocketIoServer::Client
{
    EngineIoSession *session = nullptr;
    //! Local sessions only: I/O threads decode their packets themselves.
    std::unique_ptr<sio::Decoder> decoder;
    quint64 remote = 0;
    QVarLengthArray<Socket *, 2> sockets;

    Socket *socketIn(const QString &nsp) const
    {
        for (Socket *s : sockets) {
            if (s->nsp == nsp)
                return s;
        }
        return nullptr;
    }
};

namespace {

JsonArray eventArguments(const QString &event, const JsonArray &args)
{
    JsonArray all;
    all.reserve(args.size() + 1);
    all.append(JsonValue(event));
    all.append(args);
    return all;
}

quint16 closeCodeFor(const QString &why)
{
    // As the Qt sessions do: a broken or hopeless peer is dropped, others get a close frame.
    if (why == reason::SlowConsumer || why == reason::ParseError)
        return 0;
    if (why == reason::ServerShuttingDown)
        return io::closecode::GoingAway;
    return io::closecode::Normal;
}

} // namespace

SocketIoServer::SocketIoServer(EngineIoServer *engine, QObject *parent)
    : QObject(parent), m_engine(engine)
{
    // Handlers may live in other threads: every argument type must be known to queued
    // connections under the name the signals spell.
    qRegisterMetaType<chat::transport::SocketId>("chat::transport::SocketId");
    qRegisterMetaType<chat::transport::Handshake>();
    qRegisterMetaType<chat::JsonValue>();
    qRegisterMetaType<chat::JsonArray>("chat::JsonArray");
    connect(engine, &EngineIoServer::sessionOpened, this, &SocketIoServer::onSession);
}

SocketIoServer::~SocketIoServer()
{
    if (m_frontend && m_engine)
        m_engine->setExternalSessionCount({});
    qDeleteAll(m_sockets);
    qDeleteAll(m_clients);
    qDeleteAll(m_remoteClients);
}

EngineIoServer *SocketIoServer::engine() const
{
    return m_engine.data();
}

void SocketIoServer::addNamespace(const QString &nsp, NamespaceOptions options)
{
    m_namespaces[nsp].options = options;
}

void SocketIoServer::setConnectTimeout(int ms)
{
    m_connectTimeoutMs = ms;
}

QList<SocketId> SocketIoServer::roomMembers(const QString &nsp, const QString &room) const
{
    const auto ns = m_namespaces.constFind(nsp);
    if (ns == m_namespaces.constEnd())
        return {};
    const auto found = ns->rooms.constFind(room);
    if (found == ns->rooms.constEnd())
        return {};
    return found->members.toList();
}

qsizetype SocketIoServer::roomSize(const QString &nsp, const QString &room) const
{
    const auto ns = m_namespaces.constFind(nsp);
    if (ns == m_namespaces.constEnd())
        return 0;
    const auto found = ns->rooms.constFind(room);
    return found == ns->rooms.constEnd() ? 0 : found->members.size();
}

namespace {

// Beyond this many members a room keeps them in a hash set.
constexpr qsizetype MembersInList = 16;

} // namespace

bool SocketIoServer::Members::insert(SocketId id)
{
    if (!m_set.isEmpty()) {
        const qsizetype before = m_set.size();
        m_set.insert(id);
        return m_set.size() != before;
    }
    if (m_list.contains(id))
        return false;
    if (m_list.size() < MembersInList) {
        m_list.append(id);
        return true;
    }
    m_set = QSet<SocketId>(m_list.cbegin(), m_list.cend());
    m_list = QList<SocketId>();
    m_set.insert(id);
    return true;
}

bool SocketIoServer::Members::remove(SocketId id)
{
    if (!m_set.isEmpty())
        return m_set.remove(id);
    return m_list.removeOne(id);
}

QList<SocketId> SocketIoServer::Members::toList() const
{
    if (!m_set.isEmpty())
        return {m_set.cbegin(), m_set.cend()};
    return m_list;
}

void SocketIoServer::onSession(EngineIoSession *session)
{
    auto *client = new Client;
    client->session = session;
    client->decoder = std::make_unique<sio::Decoder>(m_maxAttachments);
    m_clients.insert(session, client);

    const auto onStatus = [this, client](sio::Decoder::Status status) {
        switch (status) {
        case sio::Decoder::Status::Packet:
            onPacket(client, client->decoder->takePacket(), nullptr);
            break;
        case sio::Decoder::Status::NeedMore:
            break;
        case sio::Decoder::Status::Error:
            qCDebug(lcSocketIo) << "closing" << client->session->id()
                                << "on a malformed packet:" << client->decoder->errorString();
            client->session->close(reason::ParseError);
            break;
        }
    };
    connect(session, &EngineIoSession::textReceived, this,
            [client, onStatus](const QByteArray &text) {
                onStatus(client->decoder->feedText(text));
            });
    connect(session, &EngineIoSession::binaryReceived, this,
            [client, onStatus](const QByteArray &bytes) {
                onStatus(client->decoder->feedBinary(bytes));
            });
    connect(session, &EngineIoSession::closed, this, [this, session](const QString &why) {
        if (Client *gone = m_clients.take(session))
            closeClient(gone, why);
    });
    QTimer::singleShot(m_connectTimeoutMs, session, [this, session] {
        const Client *current = m_clients.value(session);
        if (current && current->sockets.isEmpty())
            session->close(reason::ForcedClose);
    });
}

void SocketIoServer::onPacket(Client *client, const sio::Packet &packet, const Handshake *handshake)
{
    switch (packet.type) {
    case sio::PacketType::Connect:
        if (client->session)
            handleConnect(client, packet, client->session->handshake());
        else
            handleConnect(client, packet, handshake ? *handshake : Handshake());
        return;
    case sio::PacketType::Disconnect:
        if (!client->socketIn(packet.nsp)) {
            // As the reference: a packet for a namespace the client is not in is a client in
            // an invalid state, and its connection is closed.
            endSession(client, reason::ForcedClose);
            return;
        }
        handleDisconnectPacket(client, packet.nsp);
        return;
    case sio::PacketType::Event:
    case sio::PacketType::BinaryEvent: {
        const Socket *s = client->socketIn(packet.nsp);
        if (!s || !s->connected) {
            endSession(client, reason::ForcedClose);
            return;
        }
        JsonArray args = packet.data.toArray();
        const QString event = args.takeFirst().toString();
        Q_EMIT eventReceived(s->id, event, args, packet.id);
        return;
    }
    case sio::PacketType::Ack:
    case sio::PacketType::BinaryAck: {
        Socket *s = client->socketIn(packet.nsp);
        if (!s || !s->connected) {
            endSession(client, reason::ForcedClose);
            return;
        }
        const auto pending = s->pendingAcks.constFind(packet.id);
        if (pending == s->pendingAcks.constEnd())
            return;
        const qint64 requestId = pending.value();
        s->pendingAcks.erase(pending);
        Q_EMIT ackReceived(s->id, requestId, packet.data.toArray());
        return;
    }
    case sio::PacketType::ConnectError:
        // Only servers send CONNECT_ERROR.
        endSession(client, reason::ParseError);
        return;
    }
}

void SocketIoServer::handleConnect(Client *client, const sio::Packet &packet,
                                   const Handshake &handshake)
{
    const auto ns = m_namespaces.constFind(packet.nsp);
    if (ns == m_namespaces.constEnd()) {
        sendPacket(client,
                   {sio::PacketType::ConnectError, packet.nsp, -1,
                    JsonObject{{u"message"_s, JsonValue(u"Invalid namespace"_s)}}});
        return;
    }
    if (client->socketIn(packet.nsp))
        return;

    auto *s = new Socket;
    s->id = m_nextId++;
    // The namespace's own key: one string shared by all its sockets.
    s->nsp = ns.key();
    s->client = client;
    s->handshake = std::make_unique<Handshake>(handshake);
    s->handshake->nsp = s->nsp;
    s->handshake->auth = packet.data.isObject() ? packet.data : JsonValue(JsonObject());
    client->sockets.append(s);
    m_sockets.insert(s->id, s);

    if (ns->options.requiresApproval) {
        // A copy: a handler may accept or reject (and so free the socket) before the others
        // have seen it.
        const Handshake pending = *s->handshake;
        Q_EMIT connectRequested(s->id, pending);
    } else {
        acceptConnection(s->id);
    }
}

void SocketIoServer::acceptConnection(SocketId id)
{
    Socket *s = socket(id);
    if (!s || s->connected)
        return;
    s->connected = true;
    m_namespaces[s->nsp].sockets.insert(id);
    // The Socket.IO sid is only ever told to the client (no connection state recovery).
    sendPacket(s->client,
               {sio::PacketType::Connect, s->nsp, -1,
                JsonObject{{u"sid"_s, JsonValue(makeRandomId())}}});
    const std::unique_ptr<Handshake> handshake = std::move(s->handshake);
    Q_EMIT socketConnected(id, handshake ? *handshake : Handshake());
}

void SocketIoServer::rejectConnection(SocketId id, const JsonValue &data)
{
    Socket *s = socket(id);
    if (!s || s->connected)
        return;
    sendPacket(s->client, {sio::PacketType::ConnectError, s->nsp, -1, data});
    removeSocket(s, reason::ServerNamespaceDisconnect, false);
}

void SocketIoServer::handleDisconnectPacket(Client *client, const QString &nsp)
{
    if (Socket *s = client->socketIn(nsp))
        removeSocket(s, reason::ClientNamespaceDisconnect, false);
}

void SocketIoServer::closeClient(Client *client, const QString &why)
{
    const QVarLengthArray<Socket *, 2> sockets = client->sockets;
    for (Socket *s : sockets)
        removeSocket(s, why, false);
    delete client;
}

void SocketIoServer::endSession(Client *client, const QString &why)
{
    if (client->session) {
        // Emits closed() at once, which ends the client through closeClient().
        client->session->close(why);
        return;
    }
    if (m_frontend)
        m_frontend->closeSession(client->remote, closeCodeFor(why));
    m_remoteClients.remove(client->remote);
    closeClient(client, why);
}

void SocketIoServer::removeSocket(Socket *s, const QString &why, bool notifyClient)
{
    if (notifyClient)
        sendPacket(s->client, {sio::PacketType::Disconnect, s->nsp, -1, JsonValue()});
    const auto ns = m_namespaces.find(s->nsp);
    if (ns != m_namespaces.end())
        ns->sockets.remove(s->id);
    leaveAllRooms(s);
    s->client->sockets.removeOne(s);
    m_sockets.remove(s->id);
    const SocketId id = s->id;
    const bool wasConnected = s->connected;
    delete s;
    if (wasConnected)
        Q_EMIT socketDisconnected(id, why);
    else
        Q_EMIT connectAbandoned(id);
}

void SocketIoServer::leaveAllRooms(Socket *s)
{
    const auto ns = m_namespaces.find(s->nsp);
    if (ns == m_namespaces.end())
        return;
    for (const QString &name : std::as_const(s->rooms)) {
        const auto room = ns->rooms.find(name);
        if (room == ns->rooms.end())
            continue;
        room->members.remove(s->id);
        room->targets.reset();
        if (room->members.isEmpty())
            ns->rooms.erase(room);
    }
    s->rooms.clear();
}

void SocketIoServer::emitToSocket(SocketId id, const QString &event, const JsonArray &args)
{
    const Socket *s = socket(id);
    if (!s || !s->connected)
        return;
    sendPacket(s->client, sio::Packet::event(s->nsp, eventArguments(event, args)));
}

void SocketIoServer::emitWithAck(SocketId id, const QString &event, const JsonArray &args,
                                 qint64 requestId)
{
    Socket *s = socket(id);
    if (!s || !s->connected)
        return;
    const qint64 ackId = s->nextAckId++;
    s->pendingAcks.insert(ackId, requestId);
    sendPacket(s->client, sio::Packet::event(s->nsp, eventArguments(event, args), ackId));
}

void SocketIoServer::sendAck(SocketId id, qint64 ackId, const JsonArray &args)
{
    const Socket *s = socket(id);
    if (!s || !s->connected || ackId < 0)
        return;
    sendPacket(s->client, sio::Packet::ack(s->nsp, ackId, args));
}

void SocketIoServer::emitToRoom(const QString &nsp, const QString &room, const QString &event,
                                const JsonArray &args, SocketId except)
{
    const auto ns = m_namespaces.find(nsp);
    if (ns == m_namespaces.end())
        return;
    const auto found = ns->rooms.find(room);
    if (found == ns->rooms.end())
        return;
    if (!found->targets)
        found->targets = targetsOf(found->members.toList());
    // Held here: a handler that joins or leaves meanwhile makes the room build new targets.
    const std::shared_ptr<const Targets> targets = found->targets;
    // Encoded once for every member.
    const sio::Encoded encoded = sio::encode(sio::Packet::event(nsp, eventArguments(event, args)));
    sendToMany(*targets, encoded, except);
}

void SocketIoServer::broadcast(const QString &nsp, const QString &event, const JsonArray &args)
{
    const auto ns = m_namespaces.constFind(nsp);
    if (ns == m_namespaces.constEnd())
        return;
    const std::shared_ptr<const Targets> targets
            = targetsOf(QList<SocketId>(ns->sockets.cbegin(), ns->sockets.cend()));
    const sio::Encoded encoded = sio::encode(sio::Packet::event(nsp, eventArguments(event, args)));
    sendToMany(*targets, encoded, 0);
}

void SocketIoServer::sendToMany(const Targets &targets, const sio::Encoded &encoded,
                                SocketId except)
{
    // Looked up one by one: a send may close a session (a slow consumer) and end its sockets.
    for (const SocketId id : targets.local) {
        if (id == except)
            continue;
        if (const Socket *s = m_sockets.value(id))
            sendEncoded(s->client, encoded);
    }
    if (!m_frontend)
        return;
    const bool anyRemote = std::any_of(targets.remote.cbegin(), targets.remote.cend(),
                                       [](const QList<quint64> &list) { return !list.isEmpty(); });
    if (!anyRemote)
        return;
    const Socket *excluded = except ? m_sockets.value(except) : nullptr;
    const quint64 exceptConn
            = excluded && !excluded->client->session ? excluded->client->remote : 0;
    m_frontend->broadcast(io::engineIoFrames(encoded), targets.remote, exceptConn);
}

std::shared_ptr<const SocketIoServer::Targets>
SocketIoServer::targetsOf(const QList<SocketId> &members) const
{
    auto targets = std::make_shared<Targets>();
    const int threads = m_frontend ? m_frontend->threadCount() : 0;
    targets->remote.resize(size_t(threads));
    for (const SocketId id : members) {
        const Socket *s = m_sockets.value(id);
        if (!s)
            continue;
        if (s->client->session) {
            targets->local.append(id);
        } else {
            const int thread = io::threadOf(s->client->remote);
            if (thread < threads)
                targets->remote[size_t(thread)].append(s->client->remote);
        }
    }
    return targets;
}

void SocketIoServer::joinRoom(SocketId id, const QString &room)
{
    Socket *s = socket(id);
    if (!s || !s->connected || s->rooms.contains(room))
        return;
    Namespace &ns = m_namespaces[s->nsp];
    auto found = ns.rooms.find(room);
    if (found == ns.rooms.end())
        found = ns.rooms.insert(room, Room());
    // The room's key, so that every member shares one copy of the name.
    s->rooms.append(found.key());
    if (found->members.insert(id))
        found->targets.reset();
}

void SocketIoServer::leaveRoom(SocketId id, const QString &room)
{
    Socket *s = socket(id);
    if (!s || !s->rooms.removeOne(room))
        return;
    Namespace &ns = m_namespaces[s->nsp];
    const auto found = ns.rooms.find(room);
    if (found == ns.rooms.end())
        return;
    found->members.remove(id);
    found->targets.reset();
    if (found->members.isEmpty())
        ns.rooms.erase(found);
}

void SocketIoServer::disconnectSocket(SocketId id, bool closeSession)
{
    Socket *s = socket(id);
    if (!s)
        return;
    if (closeSession) {
        endSession(s->client, reason::ForcedClose);
        return;
    }
    removeSocket(s, reason::ServerNamespaceDisconnect, true);
}

void SocketIoServer::closeAll()
{
    if (m_engine)
        m_engine->closeAll(reason::ServerShuttingDown);
    if (m_remoteClients.isEmpty())
        return;
    if (m_frontend)
        m_frontend->closeAllSessions(io::closecode::GoingAway);
    const QHash<quint64, Client *> clients = std::exchange(m_remoteClients, {});
    for (Client *client : clients)
        closeClient(client, reason::ServerShuttingDown);
}

void SocketIoServer::sendPacket(Client *client, const sio::Packet &packet)
{
    // Encoded in this thread even for I/O thread sessions: letting the I/O thread encode
    // (and free) JSON built here was measured to cost more CPU in all than it saves here.
    sendEncoded(client, sio::encode(packet));
}

void SocketIoServer::sendEncoded(Client *client, const sio::Encoded &encoded)
{
    if (client->session) {
        client->session->sendText(encoded.text);
        for (const QByteArray &attachment : encoded.attachments)
            client->session->sendBinary(attachment);
        return;
    }
    if (m_frontend)
        m_frontend->send(client->remote, io::engineIoFrames(encoded));
}

SocketIoServer::Socket *SocketIoServer::socket(SocketId id) const
{
    return m_sockets.value(id);
}

// ---------------------------------------------------------------------------------------------
// Sessions of the I/O threads

void SocketIoServer::attachFrontend(IoFrontend *frontend)
{
    m_frontend = frontend;
    if (!m_engine)
        return;
    if (frontend)
        m_engine->setExternalSessionCount([this] { return m_remoteClients.size(); });
    else
        m_engine->setExternalSessionCount({});
}

void SocketIoServer::remoteOpened(quint64 conn)
{
    auto *client = new Client;
    client->remote = conn;
    m_remoteClients.insert(conn, client);
}

void SocketIoServer::remotePacket(quint64 conn, const sio::Packet &packet,
                                  const Handshake *handshake)
{
    if (Client *client = m_remoteClients.value(conn))
        onPacket(client, packet, handshake);
}

void SocketIoServer::remoteClosed(quint64 conn, const QString &why)
{
    if (Client *client = m_remoteClients.take(conn))
        closeClient(client, why);
}

void SocketIoServer::remoteConnectTimeout(quint64 conn)
{
    Client *client = m_remoteClients.value(conn);
    if (client && client->sockets.isEmpty())
        endSession(client, reason::ForcedClose);
}

} // namespace chat::transport
