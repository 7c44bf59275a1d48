// SPDX-License-Identifier: MIT
#include "gateway.h"

#include "auth/jwt.h"
#include "chat/outbox.h"
#include "chat/roommanager.h"
#include "metrics.h"
#include "socketioserver.h"
#include "storage/store.h"

#include <QtCore/QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcGateway, "chat.gateway", QtWarningMsg)

namespace chat::app {

using namespace chat::transport;
using domain::Connection;
using domain::Request;

namespace {

JsonObject refusal(events::ErrorCode code)
{
    return {{u"message"_s, JsonValue(events::name(code))}};
}

QByteArray tokenOf(const Handshake &handshake)
{
    const JsonValue fromAuth = handshake.auth[u"token"_s];
    if (fromAuth.isString() && !fromAuth.toString().isEmpty())
        return fromAuth.toString().toUtf8();
    const QByteArray bearer
            = auth::bearerToken(handshake.headers.value(QByteArrayLiteral("authorization")));
    if (!bearer.isEmpty())
        return bearer;
    return handshake.query.queryItemValue(u"token"_s, QUrl::FullyDecoded).toUtf8();
}

} // namespace

Gateway::Gateway(SocketIoServer *io, const auth::JwtVerifier *verifier, storage::Store *store,
                 domain::RoomManager *rooms, domain::Outbox *outbox, Metrics *metrics,
                 const Options &options, QObject *parent)
    : QObject(parent),
      m_io(io),
      m_verifier(verifier),
      m_store(store),
      m_rooms(rooms),
      m_outbox(outbox),
      m_metrics(metrics),
      m_options(options)
{
    m_clock.start();
    m_io->addNamespace(u"/"_s, {.requiresApproval = true});
    connect(io, &SocketIoServer::connectRequested, this, &Gateway::onConnectRequested);
    connect(io, &SocketIoServer::connectAbandoned, this, &Gateway::onConnectAbandoned);
    connect(io, &SocketIoServer::socketConnected, this, &Gateway::onConnected);
    connect(io, &SocketIoServer::socketDisconnected, this, &Gateway::onDisconnected);
    connect(io, &SocketIoServer::eventReceived, this, &Gateway::onEvent);

    const QString main = u"/"_s;
    connect(outbox, &domain::Outbox::toConnection, io, &SocketIoServer::emitToSocket);
    connect(outbox, &domain::Outbox::ack, io, &SocketIoServer::sendAck);
    connect(outbox, &domain::Outbox::subscribe, io, &SocketIoServer::joinRoom);
    connect(outbox, &domain::Outbox::unsubscribe, io, &SocketIoServer::leaveRoom);
    connect(outbox, &domain::Outbox::toChannel, io,
            [io, main, metrics](const QString &channel, const QString &event, const JsonArray &args,
                                domain::ConnectionId except) {
                if (event == events::name(events::ServerEvent::MessageNew))
                    metrics->countMessagesOut(io->roomSize(main, channel));
                io->emitToRoom(main, channel, event, args, except);
            });
    // Rare (presence, at most once per room per second): one packet per member.
    connect(outbox, &domain::Outbox::toChannelExcept, io,
            [io, main](const QString &channel, const QString &event, const JsonArray &args,
                       const QList<domain::ConnectionId> &except) {
                if (except.isEmpty()) {
                    io->emitToRoom(main, channel, event, args);
                    return;
                }
                const QList<SocketId> members = io->roomMembers(main, channel);
                for (const SocketId member : members) {
                    if (!except.contains(member))
                        io->emitToSocket(member, event, args);
                }
            });
    connect(outbox, &domain::Outbox::errorSent, this,
            [metrics](events::ErrorCode code) { metrics->countError(code); });
    connect(rooms, &domain::RoomManager::messageAnnounced, this,
            [metrics](qint64, qint64 latencyMs) { metrics->observeLatency(latencyMs); });
}

Gateway::~Gateway() = default;

void Gateway::onConnectRequested(SocketId id, const Handshake &handshake)
{
    const auth::JwtResult verified = m_verifier->verify(tokenOf(handshake));
    if (!verified) {
        qCDebug(lcGateway) << "refused a token:" << auth::jwtErrorName(verified.error());
        m_metrics->countConnectRefused();
        m_io->rejectConnection(id, refusal(events::ErrorCode::Unauthorized));
        return;
    }
    const auth::Identity &identity = verified.identity();
    QSet<SocketId> &live = m_byUser[identity.userId];
    if (live.size() >= m_options.maxConnectionsPerUser) {
        if (live.isEmpty())
            m_byUser.remove(identity.userId);
        m_metrics->countConnectRefused();
        m_io->rejectConnection(id, refusal(events::ErrorCode::TooManyConnections));
        return;
    }
    // Counted from the moment it is accepted, so that concurrent connects cannot overshoot.
    live.insert(id);
    m_connections.insert(id, Connection{id, identity});
    m_io->acceptConnection(id);
}

void Gateway::onConnectAbandoned(SocketId id)
{
    forget(id);
}

void Gateway::onConnected(SocketId id, const Handshake &)
{
    const auto it = m_connections.constFind(id);
    if (it == m_connections.constEnd())
        return;
    const Connection connection = *it;
    m_io->joinRoom(id, domain::userChannel(connection.user.userId));
    m_rooms->connectionOpened(connection);
    storeUser(connection.user);
}

void Gateway::storeUser(const auth::Identity &identity)
{
    // Another instance, or the host site, may write the row too: an entry is trusted for a
    // while only, after which an unchanged identity is written again.
    constexpr qint64 TrustMs = 10 * 60 * 1000;
    constexpr qsizetype MaxEntries = 200'000;
    const qint64 now = m_clock.elapsed();
    const auto known = m_storedUsers.constFind(identity.userId);
    if (known != m_storedUsers.cend() && known->identity == identity
        && now - known->storedAt < TrustMs) {
        return;
    }
    if (known != m_storedUsers.cend()
        && (known->identity.name != identity.name || known->identity.avatar != identity.avatar)) {
        m_rooms->authorsChanged();
    }
    if (m_storedUsers.size() >= MaxEntries) {
        // Without the old entries, a later change of name would go unnoticed.
        m_storedUsers.clear();
        m_rooms->authorsChanged();
    }
    // The entry keeps the identity last written until this write succeeds, so a concurrent
    // connect with the new identity writes again rather than trusting it early.
    // The store runs requests in order, so the user row is written before anything this
    // connection does next.
    m_store->upsertUser(identity, this, [this, identity](storage::Result<storage::User> user) {
        if (!user) {
            qCWarning(lcGateway) << "could not store a user:" << user.error().message;
            return;
        }
        m_storedUsers.insert(identity.userId, {identity, m_clock.elapsed()});
    });
}

void Gateway::onDisconnected(SocketId id)
{
    if (!m_connections.contains(id))
        return;
    m_rooms->connectionClosed(id);
    forget(id);
}

void Gateway::forget(SocketId id)
{
    const auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    const qint64 userId = it->user.userId;
    m_connections.erase(it);
    const auto user = m_byUser.find(userId);
    if (user != m_byUser.end()) {
        user->remove(id);
        if (user->isEmpty())
            m_byUser.erase(user);
    }
}

void Gateway::onEvent(SocketId id, const QString &event, const JsonArray &args, qint64 ackId)
{
    const auto it = m_connections.constFind(id);
    if (it == m_connections.constEnd())
        return;
    Request request;
    request.connection = *it;
    request.payload = args.value(0);
    request.ackId = ackId;
    request.receivedAt = m_clock.elapsed();
    request.eventName = event;
    const std::optional<events::ClientEvent> known = events::clientEventFromName(event);
    if (!known) {
        m_outbox->replyError(
                request,
                {events::ErrorCode::InvalidPayload, u"unknown event: %1"_s.arg(event.left(64))});
        return;
    }
    request.event = *known;
    if (request.event == events::ClientEvent::MessageSend)
        m_metrics->countMessageIn();
    if (domain::RoomManager::handles(request.event)) {
        m_rooms->handle(request);
        return;
    }
    m_outbox->replyError(
            request,
            {events::ErrorCode::NotFound, u"%1 is not available on this server"_s.arg(event)});
}

} // namespace chat::app
