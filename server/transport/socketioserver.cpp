// SPDX-License-Identifier: MIT
#include "socketioserver.h"

#include "engineioserver.h"
#include "logging.h"

#include <QtCore/QTimer>

using namespace Qt::StringLiterals;

namespace chat::transport {

struct SocketIoServer::Socket
{
    SocketId id = 0;
    QString nsp;
    QString sid;
    Client *client = nullptr;
    //! False while a CONNECT waits for approval.
    bool connected = false;
    Handshake handshake;
    QSet<QString> rooms;
    //! Acknowledgement ids sent to the client → the requester's ids.
    QHash<qint64, qint64> pendingAcks;
    qint64 nextAckId = 0;
};

struct SocketIoServer::Client
{
    explicit Client(EngineIoSession *s, int maxAttachments)
        : session(s), decoder(maxAttachments) { }

    EngineIoSession *session;
    sio::Decoder decoder;
    QHash<QString, Socket *> sockets;
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
    qDeleteAll(m_sockets);
    qDeleteAll(m_clients);
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
    const QSet<SocketId> members = ns->rooms.value(room);
    return {members.cbegin(), members.cend()};
}

void SocketIoServer::onSession(EngineIoSession *session)
{
    auto *client = new Client(session, m_maxAttachments);
    m_clients.insert(session, client);

    const auto onStatus = [this, client](sio::Decoder::Status status) {
        switch (status) {
        case sio::Decoder::Status::Packet:
            onPacket(client, client->decoder.takePacket());
            break;
        case sio::Decoder::Status::NeedMore:
            break;
        case sio::Decoder::Status::Error:
            qCDebug(lcSocketIo) << "closing" << client->session->id()
                                << "on a malformed packet:" << client->decoder.errorString();
            client->session->close(reason::ParseError);
            break;
        }
    };
    connect(session, &EngineIoSession::textReceived, this,
            [client, onStatus](const QByteArray &text) {
                onStatus(client->decoder.feedText(text));
            });
    connect(session, &EngineIoSession::binaryReceived, this,
            [client, onStatus](const QByteArray &bytes) {
                onStatus(client->decoder.feedBinary(bytes));
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

void SocketIoServer::onPacket(Client *client, const sio::Packet &packet)
{
    if (packet.type != sio::PacketType::Connect) {
        // Anything but CONNECT for a namespace the client is not connected to is a protocol
        // violation; the reference server closes the connection at once.
        const Socket *s = client->sockets.value(packet.nsp);
        if (!s || !s->connected) {
            client->session->close(reason::ParseError);
            return;
        }
    }
    switch (packet.type) {
    case sio::PacketType::Connect:
        handleConnect(client, packet);
        return;
    case sio::PacketType::Disconnect:
        handleDisconnectPacket(client, packet.nsp);
        return;
    case sio::PacketType::Event:
    case sio::PacketType::BinaryEvent: {
        const Socket *s = client->sockets.value(packet.nsp);
        JsonArray args = packet.data.toArray();
        const QString event = args.takeFirst().toString();
        Q_EMIT eventReceived(s->id, event, args, packet.id);
        return;
    }
    case sio::PacketType::Ack:
    case sio::PacketType::BinaryAck: {
        Socket *s = client->sockets.value(packet.nsp);
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
        client->session->close(reason::ParseError);
        return;
    }
}

void SocketIoServer::handleConnect(Client *client, const sio::Packet &packet)
{
    const auto ns = m_namespaces.constFind(packet.nsp);
    if (ns == m_namespaces.constEnd()) {
        sendPacket(client,
                   {sio::PacketType::ConnectError, packet.nsp, -1,
                    JsonObject{{u"message"_s, JsonValue(u"Invalid namespace"_s)}}});
        return;
    }
    if (client->sockets.contains(packet.nsp))
        return;

    auto *s = new Socket;
    s->id = m_nextId++;
    s->nsp = packet.nsp;
    s->sid = makeRandomId();
    s->client = client;
    s->handshake = client->session->handshake();
    s->handshake.nsp = packet.nsp;
    s->handshake.auth = packet.data.isObject() ? packet.data : JsonValue(JsonObject());
    client->sockets.insert(packet.nsp, s);
    m_sockets.insert(s->id, s);

    if (ns->options.requiresApproval)
        Q_EMIT connectRequested(s->id, s->handshake);
    else
        acceptConnection(s->id);
}

void SocketIoServer::acceptConnection(SocketId id)
{
    Socket *s = socket(id);
    if (!s || s->connected)
        return;
    s->connected = true;
    m_namespaces[s->nsp].sockets.insert(id);
    sendPacket(s->client,
               {sio::PacketType::Connect, s->nsp, -1, JsonObject{{u"sid"_s, JsonValue(s->sid)}}});
    Q_EMIT socketConnected(id, s->handshake);
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
    if (Socket *s = client->sockets.value(nsp))
        removeSocket(s, reason::ClientNamespaceDisconnect, false);
}

void SocketIoServer::closeClient(Client *client, const QString &why)
{
    const QList<Socket *> sockets = client->sockets.values();
    for (Socket *s : sockets)
        removeSocket(s, why, false);
    delete client;
}

void SocketIoServer::removeSocket(Socket *s, const QString &why, bool notifyClient)
{
    if (notifyClient)
        sendPacket(s->client, {sio::PacketType::Disconnect, s->nsp, -1, JsonValue()});
    const auto ns = m_namespaces.find(s->nsp);
    if (ns != m_namespaces.end()) {
        ns->sockets.remove(s->id);
        for (const QString &room : std::as_const(s->rooms)) {
            const auto members = ns->rooms.find(room);
            if (members == ns->rooms.end())
                continue;
            members->remove(s->id);
            if (members->isEmpty())
                ns->rooms.erase(members);
        }
    }
    s->client->sockets.remove(s->nsp);
    m_sockets.remove(s->id);
    const SocketId id = s->id;
    const bool wasConnected = s->connected;
    delete s;
    if (wasConnected)
        Q_EMIT socketDisconnected(id, why);
    else
        Q_EMIT connectAbandoned(id);
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
    const auto ns = m_namespaces.constFind(nsp);
    if (ns == m_namespaces.constEnd())
        return;
    const auto members = ns->rooms.constFind(room);
    if (members == ns->rooms.constEnd())
        return;
    // Encoded once for every member.
    const sio::Encoded encoded = sio::encode(sio::Packet::event(nsp, eventArguments(event, args)));
    for (const SocketId id : *members) {
        if (id == except)
            continue;
        if (const Socket *s = m_sockets.value(id))
            sendEncoded(s->client, encoded);
    }
}

void SocketIoServer::broadcast(const QString &nsp, const QString &event, const JsonArray &args)
{
    const auto ns = m_namespaces.constFind(nsp);
    if (ns == m_namespaces.constEnd())
        return;
    const sio::Encoded encoded = sio::encode(sio::Packet::event(nsp, eventArguments(event, args)));
    for (const SocketId id : ns->sockets) {
        if (const Socket *s = m_sockets.value(id))
            sendEncoded(s->client, encoded);
    }
}

void SocketIoServer::joinRoom(SocketId id, const QString &room)
{
    Socket *s = socket(id);
    if (!s || !s->connected)
        return;
    s->rooms.insert(room);
    m_namespaces[s->nsp].rooms[room].insert(id);
}

void SocketIoServer::leaveRoom(SocketId id, const QString &room)
{
    Socket *s = socket(id);
    if (!s || !s->rooms.remove(room))
        return;
    Namespace &ns = m_namespaces[s->nsp];
    const auto members = ns.rooms.find(room);
    if (members == ns.rooms.end())
        return;
    members->remove(id);
    if (members->isEmpty())
        ns.rooms.erase(members);
}

void SocketIoServer::disconnectSocket(SocketId id, bool closeSession)
{
    Socket *s = socket(id);
    if (!s)
        return;
    if (closeSession) {
        s->client->session->close(reason::ForcedClose);
        return;
    }
    removeSocket(s, reason::ServerNamespaceDisconnect, true);
}

void SocketIoServer::closeAll()
{
    m_engine->closeAll(reason::ServerShuttingDown);
}

void SocketIoServer::sendPacket(Client *client, const sio::Packet &packet)
{
    sendEncoded(client, sio::encode(packet));
}

void SocketIoServer::sendEncoded(Client *client, const sio::Encoded &encoded)
{
    client->session->sendText(encoded.text);
    for (const QByteArray &attachment : encoded.attachments)
        client->session->sendBinary(attachment);
}

SocketIoServer::Socket *SocketIoServer::socket(SocketId id) const
{
    return m_sockets.value(id);
}

} // namespace chat::transport
