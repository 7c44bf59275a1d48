// SPDX-License-Identifier: MIT
#pragma once

#include "chattypes.h"

#include <QtCore/QObject>

namespace chat::domain {

//! \brief Everything the domain sends, as signals carrying values.
//!
//! The gateway connects these to the transport (directly, or queued across threads). Channels
//! are named groups of connections (see roomChannel(), userChannel()).
class Outbox : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    //! Answers a request: {"ok":true,...result} as its ack, or for an error either the ack
    //! {"ok":false,"error":{code,message}} or, when it asked for no ack, chat:error.
    void replyOk(const Request &request, JsonObject result = {});
    void replyError(const Request &request, const ChatError &error);

Q_SIGNALS:
    void toConnection(chat::domain::ConnectionId connection, const QString &event,
                      const chat::JsonArray &args);
    void toChannel(const QString &channel, const QString &event, const chat::JsonArray &args,
                   chat::domain::ConnectionId except);
    //! As toChannel(), for several exceptions.
    void toChannelExcept(const QString &channel, const QString &event, const chat::JsonArray &args,
                         const QList<chat::domain::ConnectionId> &except);
    void ack(chat::domain::ConnectionId connection, qint64 ackId, const chat::JsonArray &args);
    void subscribe(chat::domain::ConnectionId connection, const QString &channel);
    void unsubscribe(chat::domain::ConnectionId connection, const QString &channel);
    //! A refusal was sent (for metrics).
    void errorSent(chat::events::ErrorCode code);
};

} // namespace chat::domain
