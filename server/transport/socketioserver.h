// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/json.h"
#include "protocol/socketio.h"
#include "transporttypes.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QSet>

#include <memory>
#include <vector>

namespace chat::transport {

class EngineIoServer;
class EngineIoSession;
class IoFrontend;

struct NamespaceOptions
{
    //! When true, a CONNECT to the namespace emits connectRequested() and waits for
    //! acceptConnection() or rejectConnection(); when false, it is accepted at once.
    bool requiresApproval = false;
};

//! \brief Socket.IO v4 on top of an Engine.IO server: namespaces, rooms of sockets,
//! events, acknowledgements both ways and binary attachments.
//!
//! This is the whole surface that event handlers (the chat managers, the conformance
//! handlers, tests) see of the network. They never touch a socket: they receive signals
//! carrying a SocketId and answer through the slots below, which only take values, so that
//! every connection works as well queued across threads as direct.
//!
//! Sessions come from the Engine.IO server (long-polling and WebSockets served by Qt in this
//! thread) and, when there is one, from an IoFrontend (direct WebSockets served by I/O
//! threads). Both kinds look the same to handlers and share namespaces and rooms.
class SocketIoServer : public QObject
{
    Q_OBJECT
public:
    explicit SocketIoServer(EngineIoServer *engine, QObject *parent = nullptr);
    ~SocketIoServer() override;

    //! Registers a namespace; a CONNECT to any other gets {"message":"Invalid namespace"}.
    void addNamespace(const QString &nsp, NamespaceOptions options = {});
    //! A session with no CONNECT within this time is closed (Socket.IO connectTimeout).
    void setConnectTimeout(int ms);
    //! Per-socket cap on attachments of one binary packet.
    void setMaxAttachments(int count) { m_maxAttachments = count; }

    EngineIoServer *engine() const;

    qsizetype socketCount() const { return m_sockets.size(); }
    //! The sockets in a room of a namespace.
    QList<SocketId> roomMembers(const QString &nsp, const QString &room) const;
    //! How many sockets are in a room of a namespace, without listing them.
    qsizetype roomSize(const QString &nsp, const QString &room) const;

Q_SIGNALS:
    //! A CONNECT to a namespace that requires approval; answer with acceptConnection() or
    //! rejectConnection().
    void connectRequested(chat::transport::SocketId id,
                          const chat::transport::Handshake &handshake);
    //! A CONNECT that was waiting for approval is gone: the client left, or it was rejected.
    void connectAbandoned(chat::transport::SocketId id);
    //! A socket is connected (the CONNECT answer has been sent).
    void socketConnected(chat::transport::SocketId id, const chat::transport::Handshake &handshake);
    //! An event from a client. \a ackId is -1 when the client asked for no acknowledgement;
    //! otherwise answer once with sendAck().
    void eventReceived(chat::transport::SocketId id, const QString &event,
                       const chat::JsonArray &args, qint64 ackId);
    //! The client acknowledged an emitWithAck() with the given \a requestId.
    void ackReceived(chat::transport::SocketId id, qint64 requestId, const chat::JsonArray &args);
    //! A connected socket is gone; \a reason is one of chat::transport::reason.
    void socketDisconnected(chat::transport::SocketId id, const QString &reason);

public Q_SLOTS:
    //! Completes a pending CONNECT.
    void acceptConnection(chat::transport::SocketId id);
    //! Refuses a pending CONNECT with CONNECT_ERROR \a data (e.g. {"message":"unauthorized"}).
    void rejectConnection(chat::transport::SocketId id, const chat::JsonValue &data);

    void emitToSocket(chat::transport::SocketId id, const QString &event,
                      const chat::JsonArray &args);
    //! Emits with an acknowledgement request; the answer comes as ackReceived(id, requestId).
    void emitWithAck(chat::transport::SocketId id, const QString &event,
                     const chat::JsonArray &args, qint64 requestId);
    void sendAck(chat::transport::SocketId id, qint64 ackId, const chat::JsonArray &args);
    //! Emits to every socket in \a room of \a nsp, except \a except. The packet is encoded once.
    void emitToRoom(const QString &nsp, const QString &room, const QString &event,
                    const chat::JsonArray &args, chat::transport::SocketId except = 0);
    //! Emits to every socket connected to \a nsp.
    void broadcast(const QString &nsp, const QString &event, const chat::JsonArray &args);

    void joinRoom(chat::transport::SocketId id, const QString &room);
    void leaveRoom(chat::transport::SocketId id, const QString &room);
    //! Disconnects the socket from its namespace with a DISCONNECT packet (clients do not
    //! reconnect after that). With \a closeSession, closes its whole Engine.IO session instead,
    //! with no DISCONNECT: the client sees a transport close and reconnects.
    void disconnectSocket(chat::transport::SocketId id, bool closeSession = false);
    //! Closes every session, each with a proper close packet.
    void closeAll();

private:
    friend class IoFrontend;

    struct Socket;
    struct Client;
    //! Who a broadcast to a room goes to, by kind of session; built on the first broadcast
    //! after the room changed, and shared with the I/O threads as it is.
    struct Targets
    {
        //! Sockets of sessions served in this thread.
        QList<SocketId> local;
        //! Connection handles, one list per I/O thread.
        std::vector<QList<quint64>> remote;
    };
    //! The sockets of a room: a list while the room is small (most rooms hold one user's own
    //! sockets), a hash set once it is large. A hash set's first allocation has room for
    //! dozens of entries, which thousands of one-socket rooms would pay for.
    class Members
    {
    public:
        //! False when \a id was in already.
        bool insert(SocketId id);
        //! False when \a id was not in.
        bool remove(SocketId id);
        qsizetype size() const { return m_set.isEmpty() ? m_list.size() : m_set.size(); }
        bool isEmpty() const { return size() == 0; }
        QList<SocketId> toList() const;

    private:
        QList<SocketId> m_list;
        QSet<SocketId> m_set;
    };
    struct Room
    {
        Members members;
        std::shared_ptr<const Targets> targets;
    };
    struct Namespace
    {
        NamespaceOptions options;
        QSet<SocketId> sockets;
        QHash<QString, Room> rooms;
    };

    void onSession(EngineIoSession *session);
    void onPacket(Client *client, const sio::Packet &packet, const Handshake *handshake);
    void handleConnect(Client *client, const sio::Packet &packet, const Handshake &handshake);
    void handleDisconnectPacket(Client *client, const QString &nsp);
    void closeClient(Client *client, const QString &reason);
    //! Closes the client's Engine.IO session, which ends its sockets with \a reason.
    void endSession(Client *client, const QString &reason);
    void removeSocket(Socket *socket, const QString &reason, bool notifyClient);
    void leaveAllRooms(Socket *socket);
    void sendPacket(Client *client, const sio::Packet &packet);
    void sendEncoded(Client *client, const sio::Encoded &encoded);
    void sendToMany(const Targets &targets, const sio::Encoded &encoded, SocketId except);
    std::shared_ptr<const Targets> targetsOf(const QList<SocketId> &members) const;
    Socket *socket(SocketId id) const;

    // The sessions of I/O threads, as IoFrontend reports them.
    void attachFrontend(IoFrontend *frontend);
    void remoteOpened(quint64 conn);
    void remotePacket(quint64 conn, const sio::Packet &packet, const Handshake *handshake);
    void remoteClosed(quint64 conn, const QString &reason);
    void remoteConnectTimeout(quint64 conn);

    QPointer<EngineIoServer> m_engine;
    QPointer<IoFrontend> m_frontend;
    QHash<QString, Namespace> m_namespaces;
    QHash<SocketId, Socket *> m_sockets;
    QHash<EngineIoSession *, Client *> m_clients;
    QHash<quint64, Client *> m_remoteClients;
    SocketId m_nextId = 1;
    int m_connectTimeoutMs = 45000;
    int m_maxAttachments = 10;
};

} // namespace chat::transport
