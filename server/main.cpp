// SPDX-License-Identifier: MIT
#include "server.h"
#include "serverconfig.h"
#include "signalwatcher.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"chat-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(CHAT_VERSION));

    QString error;
    QString message;
    const std::optional<chat::app::ServerConfig> config = chat::app::ServerConfig::parse(
            QCoreApplication::arguments(), QProcessEnvironment::systemEnvironment(), &error,
            &message);
    if (!config) {
        if (!error.isEmpty()) {
            QTextStream(stderr) << "chat-server: " << error << '\n';
            return 2;
        }
        QTextStream(stdout) << message << '\n';
        return 0;
    }

    chat::app::Server server(*config);
    if (!server.start(&error)) {
        QTextStream(stderr) << "chat-server: " << error << '\n';
        return 1;
    }
    chat::app::SignalWatcher watcher;
    QObject::connect(&watcher, &chat::app::SignalWatcher::terminationRequested, &server,
                     &chat::app::Server::shutdown);
    QObject::connect(&server, &chat::app::Server::stopped, &app, &QCoreApplication::quit);

    QTextStream(stdout) << "chat-server listening on " << server.url() << Qt::endl;
    return app.exec();
}
