// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QProcessEnvironment>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <optional>

namespace chat::app {

//! \brief Everything the server can be told, from one documented set of options.
//!
//! Each option can be given on the command line (--name value), in the environment
//! (CHAT_NAME with dashes as underscores) or in an INI file (--config FILE, key = name);
//! the command line wins over the environment, which wins over the file.
struct ServerConfig
{
    enum class Profile { Default, Conformance };
    //! Embedded: one process, SQLite in the data folder, a secret made and kept there,
    //! standalone accounts on. Production: a JWT secret from the host site is required.
    enum class Mode { Embedded, Production };

    Profile profile = Profile::Default;
    Mode mode = Mode::Embedded;
    //! Where the embedded default keeps its database and secret.
    QString dataDir = QStringLiteral("data");
    //! A SQLite file path (or sqlite:PATH), or mysql://user:password@host:port/database.
    //! Empty: chat.db in the data folder.
    QString database;
    QString tablePrefix;
    //! HS256 secret shared with the host site. Empty in embedded mode: one is made and kept.
    QString jwtSecret;
    //! Standalone accounts (register/login); on by default in embedded mode only.
    std::optional<bool> standalone;
    int rateLimitPerMin = 30;
    int maxConnectionsPerUser = 3;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 3030;
    //! Origins allowed to call from a browser; "*" for any (without credentials).
    QStringList corsOrigins;
    int pingIntervalMs = 25000;
    int pingTimeoutMs = 20000;
    qint64 maxPayload = 1000000;
    int connectTimeoutMs = 45000;
    qint64 sendBufferLimit = 4 * 1024 * 1024;
    int slowConsumerGraceMs = 5000;
    //! Threads that accept connections and serve direct WebSocket sessions, each with its own
    //! epoll loop; 0 serves everything in the main thread with Qt's sockets. -1: the
    //! environment's CHAT_IO_THREADS when set (so that a configuration built in code follows
    //! it too), else one per core.
    int ioThreads = -1;

    //! ioThreads with -1 resolved.
    int effectiveIoThreads() const;

    //! Parses \a arguments (argv, program name first). On --help or --version the text is put
    //! in \a message and nullopt is returned with an empty \a error.
    static std::optional<ServerConfig> parse(const QStringList &arguments,
                                             const QProcessEnvironment &environment, QString *error,
                                             QString *message);
};

} // namespace chat::app
