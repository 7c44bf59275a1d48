// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QQmlEngine;
class QSettings;
QT_END_NAMESPACE

namespace chat::ui {

class Community;
class Preferences;
class Session;

//! \brief Everything the member app is made of on the C++ side, created before any QML.
//!
//! The controllers are singletons to QML, owned here; one AppContext exists at a time. The
//! app's main() and the tests build the same one, so tests run the code users run.
class AppContext : public QObject
{
    Q_OBJECT
public:
    //! \a settingsFile: an INI file to keep settings in; empty for the platform's usual place.
    explicit AppContext(const QString &settingsFile = {}, QObject *parent = nullptr);
    ~AppContext() override;

    QSettings *settings() const { return m_settings.get(); }
    Preferences *preferences() const { return m_preferences; }
    Session *session() const { return m_session; }
    Community *community() const { return m_community; }

    //! \brief Makes the app's QML modules (compiled into the program) importable by \a engine.
    static void prepareEngine(QQmlEngine *engine);
    //! \brief Where the main window's QML is.
    static QString mainQml();

private:
    std::unique_ptr<QSettings> m_settings;
    Preferences *m_preferences;
    Session *m_session;
    Community *m_community;
};

} // namespace chat::ui
