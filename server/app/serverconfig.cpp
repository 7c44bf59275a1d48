// SPDX-License-Identifier: MIT
#include "serverconfig.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QRegularExpression>
#include <QtCore/QSettings>
#include <QtCore/QThread>

#include <algorithm>
#include <functional>
#include <limits>

using namespace Qt::StringLiterals;

namespace chat::app {

namespace {

// The thread index is 8 bits of a connection handle; far more than a machine needs.
constexpr int MaxIoThreads = 64;

struct Option
{
    QString name;
    QString valueName;
    QString help;
    //! Applies a value; returns an error text, empty when the value is good.
    std::function<QString(ServerConfig &, const QString &)> apply;

    QString environmentName() const { return u"CHAT_"_s + name.toUpper().replace(u'-', u'_'); }
};

template<typename T>
std::function<QString(ServerConfig &, const QString &)> integer(T ServerConfig::*field, qint64 min,
                                                                qint64 max)
{
    return [field, min, max](ServerConfig &config, const QString &value) -> QString {
        bool ok = false;
        const qint64 number = value.toLongLong(&ok);
        if (!ok || number < min || number > max)
            return u"expected a whole number from %1 to %2"_s.arg(min).arg(max);
        config.*field = T(number);
        return {};
    };
}

QList<Option> options()
{
    return {
            {u"profile"_s, u"name"_s,
             u"default, or conformance (only for the Engine.IO/Socket.IO protocol test suites)"_s,
             [](ServerConfig &c, const QString &v) -> QString {
                 if (v == u"default"_s)
                     c.profile = ServerConfig::Profile::Default;
                 else if (v == u"conformance"_s)
                     c.profile = ServerConfig::Profile::Conformance;
                 else
                     return u"expected default or conformance"_s;
                 return {};
             }},
            {u"mode"_s, u"name"_s,
             u"embedded (default: SQLite and a secret in the data folder) or production"_s,
             [](ServerConfig &c, const QString &v) -> QString {
                 if (v == u"embedded"_s)
                     c.mode = ServerConfig::Mode::Embedded;
                 else if (v == u"production"_s)
                     c.mode = ServerConfig::Mode::Production;
                 else
                     return u"expected embedded or production"_s;
                 return {};
             }},
            {u"data-dir"_s, u"path"_s,
             u"folder for the embedded database and secret (default ./data)"_s,
             [](ServerConfig &c, const QString &v) -> QString {
                 if (v.isEmpty())
                     return u"expected a path"_s;
                 c.dataDir = v;
                 return {};
             }},
            {u"database"_s, u"url"_s,
             u"SQLite file, or mysql://user:password@host:port/database (default: "
             "chat.db in the data folder)"_s,
             [](ServerConfig &c, const QString &v) -> QString {
                 c.database = v;
                 return {};
             }},
            {u"table-prefix"_s, u"prefix"_s,
             u"prefix of the chat tables, e.g. wp_kgai_ inside the WordPress database"_s,
             [](ServerConfig &c, const QString &v) -> QString {
                 static const QRegularExpression pattern(u"^[A-Za-z0-9_]{0,32}$"_s);
                 if (!pattern.match(v).hasMatch())
                     return u"letters, digits and _ only"_s;
                 c.tablePrefix = v;
                 return {};
             }},
            {u"jwt-secret"_s, u"secret"_s,
             u"HS256 secret shared with the host site (required in production)"_s,
             [](ServerConfig &c, const QString &v) -> QString {
                 c.jwtSecret = v;
                 return {};
             }},
            {u"standalone"_s, u"on|off"_s,
             u"accounts of its own: POST /api/v1/auth/register and /login (default: on in "
             "embedded mode, off in production)"_s,
             [](ServerConfig &c, const QString &v) -> QString {
                 if (v == u"on"_s || v == u"true"_s || v == u"1"_s)
                     c.standalone = true;
                 else if (v == u"off"_s || v == u"false"_s || v == u"0"_s)
                     c.standalone = false;
                 else
                     return u"expected on or off"_s;
                 return {};
             }},
            {u"rate-limit-per-min"_s, u"count"_s,
             u"messages per user per minute; 0 for no limit (default 30)"_s,
             integer(&ServerConfig::rateLimitPerMin, 0, 1000000000)},
            {u"max-connections-per-user"_s, u"count"_s,
             u"live connections one user may have (default 3)"_s,
             integer(&ServerConfig::maxConnectionsPerUser, 1, 1000)},
            {u"host"_s, u"address"_s, u"address to listen on (default 127.0.0.1)"_s,
             [](ServerConfig &c, const QString &v) -> QString {
                 if (v.isEmpty())
                     return u"expected an address"_s;
                 c.host = v;
                 return {};
             }},
            {u"port"_s, u"port"_s, u"TCP port to listen on; 0 picks a free one (default 3030)"_s,
             integer(&ServerConfig::port, 0, 65535)},
            {u"cors-origins"_s, u"list"_s,
             u"comma-separated origins allowed from browsers, or * for any"_s,
             [](ServerConfig &c, const QString &v) -> QString {
                 c.corsOrigins = v.split(u',', Qt::SkipEmptyParts);
                 for (QString &origin : c.corsOrigins)
                     origin = origin.trimmed();
                 return {};
             }},
            {u"ping-interval"_s, u"ms"_s, u"Engine.IO heartbeat interval (default 25000)"_s,
             integer(&ServerConfig::pingIntervalMs, 50, 3600000)},
            {u"ping-timeout"_s, u"ms"_s, u"Engine.IO heartbeat timeout (default 20000)"_s,
             integer(&ServerConfig::pingTimeoutMs, 50, 3600000)},
            {u"max-payload"_s, u"bytes"_s,
             u"largest message or polling request accepted (default 1000000)"_s,
             integer(&ServerConfig::maxPayload, 1024, 100 * 1024 * 1024)},
            {u"connect-timeout"_s, u"ms"_s,
             u"close a connection that joins no namespace in this time (default 45000)"_s,
             integer(&ServerConfig::connectTimeoutMs, 100, 3600000)},
            {u"send-buffer-limit"_s, u"bytes"_s,
             u"bytes queued for one client beyond which it is a slow consumer (default 4194304)"_s,
             integer(&ServerConfig::sendBufferLimit, 64 * 1024,
                     std::numeric_limits<qint32>::max())},
            {u"slow-consumer-grace"_s, u"ms"_s,
             u"how long a client may stay over the send buffer limit (default 5000)"_s,
             integer(&ServerConfig::slowConsumerGraceMs, 0, 600000)},
            {u"io-threads"_s, u"count"_s,
             u"threads that accept connections and serve WebSocket sessions; 0 serves "
             "everything in the main thread (default: one per core)"_s,
             integer(&ServerConfig::ioThreads, 0, MaxIoThreads)},
    };
}

} // namespace

int ServerConfig::effectiveIoThreads() const
{
    if (ioThreads >= 0)
        return ioThreads;
    bool ok = false;
    const int fromEnvironment = qEnvironmentVariableIntValue("CHAT_IO_THREADS", &ok);
    if (ok && fromEnvironment >= 0 && fromEnvironment <= MaxIoThreads)
        return fromEnvironment;
    return std::clamp(QThread::idealThreadCount(), 1, MaxIoThreads);
}

std::optional<ServerConfig> ServerConfig::parse(const QStringList &arguments,
                                                const QProcessEnvironment &environment,
                                                QString *error, QString *message)
{
    const QList<Option> table = options();
    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"Real-time chat server: Socket.IO v4 over Engine.IO v4, with a REST API.\n"
            "Every option can also be set in the environment (CHAT_<NAME>, e.g. CHAT_PORT) or in "
            "an INI file given with --config (key = option name)."_s);
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption configOption(u"config"_s, u"INI file with options"_s, u"file"_s);
    parser.addOption(configOption);
    for (const Option &option : table)
        parser.addOption(QCommandLineOption(option.name, option.help, option.valueName));

    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(helpOption)) {
        *message = parser.helpText();
        return std::nullopt;
    }
    if (parser.isSet(versionOption)) {
        *message = QCoreApplication::applicationName() + u' '
                + QCoreApplication::applicationVersion();
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = u"unexpected argument: %1"_s.arg(parser.positionalArguments().constFirst());
        return std::nullopt;
    }

    ServerConfig config;
    QString configFile = environment.value(u"CHAT_CONFIG"_s);
    if (parser.isSet(configOption))
        configFile = parser.value(configOption);
    std::optional<QSettings> settings;
    if (!configFile.isEmpty()) {
        settings.emplace(configFile, QSettings::IniFormat);
        if (settings->status() != QSettings::NoError) {
            *error = u"cannot read the configuration file %1"_s.arg(configFile);
            return std::nullopt;
        }
    }
    for (const Option &option : table) {
        const auto apply = [&](const QString &value, const QString &source) {
            const QString problem = option.apply(config, value);
            if (!problem.isEmpty())
                *error = u"%1 (%2): %3"_s.arg(option.name, source, problem);
            return problem.isEmpty();
        };
        if (settings && settings->contains(option.name)) {
            // QSettings reads "a, b" in an INI file as a list.
            const QVariant value = settings->value(option.name);
            const QString text = value.typeId() == QMetaType::QStringList
                    ? value.toStringList().join(u',')
                    : value.toString();
            if (!apply(text, configFile))
                return std::nullopt;
        }
        const QString envName = option.environmentName();
        if (environment.contains(envName) && !apply(environment.value(envName), envName))
            return std::nullopt;
        if (parser.isSet(option.name) && !apply(parser.value(option.name), u"--"_s + option.name))
            return std::nullopt;
    }
    if (config.mode == Mode::Production && config.jwtSecret.isEmpty()
        && config.profile == Profile::Default) {
        *error = u"production mode needs the host site's JWT secret: set CHAT_JWT_SECRET or "
                 "--jwt-secret"_s;
        return std::nullopt;
    }
    return config;
}

} // namespace chat::app
