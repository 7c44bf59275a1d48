// SPDX-License-Identifier: MIT
#include "appcontext.h"
#include "qmlplugins.h"
#include "session.h"

#include <QtCore/QCommandLineParser>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQuickControls2/QQuickStyle>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"KgChat"_s);
    QCoreApplication::setApplicationName(u"chat-client"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(CHAT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Community chat: the member app."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption server(
            u"server"_s, u"Server address to prefill, e.g. http://127.0.0.1:3030."_s, u"url"_s);
    const QCommandLineOption settings(
            u"settings"_s, u"Keep settings in this INI file (a second profile)."_s, u"file"_s);
    parser.addOptions({server, settings});
    parser.process(app);

    // Colours come from the app's Theme; the Basic style draws with them without fighting a
    // platform look.
    QQuickStyle::setStyle(u"Basic"_s);

    chat::ui::AppContext context(parser.value(settings));
    if (parser.isSet(server))
        context.session()->setServerUrl(parser.value(server));
    context.session()->restore();

    QQmlApplicationEngine engine;
    chat::ui::AppContext::prepareEngine(&engine);
    engine.load(QUrl(chat::ui::AppContext::mainQml()));
    if (engine.rootObjects().isEmpty())
        return 1;
    return app.exec();
}
