// SPDX-License-Identifier: MIT
#include "appcontext.h"

#include "community.h"
#include "preferences.h"
#include "session.h"

#include <QtCore/QSettings>
#include <QtQml/QQmlEngine>

using namespace Qt::StringLiterals;

namespace chat::ui {

AppContext::AppContext(const QString &settingsFile, QObject *parent)
    : QObject(parent),
      m_settings(settingsFile.isEmpty()
                         ? std::make_unique<QSettings>()
                         : std::make_unique<QSettings>(settingsFile, QSettings::IniFormat)),
      m_preferences(new Preferences(m_settings.get(), this)),
      m_session(new Session(m_settings.get(), this)),
      m_community(new Community(m_session, m_settings.get(), this))
{ }

AppContext::~AppContext()
{
    // The community listens to the session: it goes first.
    delete m_community;
    delete m_session;
    delete m_preferences;
}

void AppContext::prepareEngine(QQmlEngine *engine)
{
    // Qt 6.4 puts the modules at qrc:/<URI path>/ (later versions under /qt/qml), and does not
    // look there by itself.
    engine->addImportPath(u"qrc:/"_s);
}

QString AppContext::mainQml()
{
    return u"qrc:/Chat/App/Main.qml"_s;
}

} // namespace chat::ui
