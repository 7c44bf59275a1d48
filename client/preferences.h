// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QString>
#include <QtCore/QTranslator>
#include <QtQml/qqmlregistration.h>

#include <memory>

QT_BEGIN_NAMESPACE
class QJSEngine;
class QQmlEngine;
class QSettings;
QT_END_NAMESPACE

namespace chat::ui {

//! \brief The user's choices that are not about the chat: theme, language, the site's
//! chat-token address. Kept in the settings file; read by QML as the Preferences singleton.
class Preferences : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(Theme theme READ theme WRITE setTheme NOTIFY themeChanged)
    //! The theme in effect: Dark, or System while the system palette is dark.
    Q_PROPERTY(bool dark READ dark NOTIFY darkChanged)
    //! "vi", "en", or empty to follow the system.
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    //! The language in effect: "vi" or "en".
    Q_PROPERTY(QString effectiveLanguage READ effectiveLanguage NOTIFY effectiveLanguageChanged)
    //! The host site's chat-token endpoint, e.g. https://example.org/wp-json/kgai/v1/chat-token
    Q_PROPERTY(QString tokenUrl READ tokenUrl WRITE setTokenUrl NOTIFY tokenUrlChanged)

public:
    enum class Theme { System, Light, Dark };
    Q_ENUM(Theme)

    //! \a settings is where the choices are kept; it must outlive this object.
    explicit Preferences(QSettings *settings, QObject *parent = nullptr);
    ~Preferences() override;

    //! The instance the QML engine gets (C++-owned; made by AppContext).
    static Preferences *create(QQmlEngine *engine, QJSEngine *);
    static Preferences *instance();

    Theme theme() const noexcept { return m_theme; }
    void setTheme(Theme theme);
    bool dark() const;
    QString language() const { return m_language; }
    void setLanguage(const QString &language);
    QString effectiveLanguage() const;
    QString tokenUrl() const { return m_tokenUrl; }
    void setTokenUrl(const QString &url);

    //! \brief The language the system asks for, reduced to one the app has: "vi" or "en".
    static QString systemLanguage();
    //! \brief Whether the system palette is a dark one.
    static bool systemPaletteIsDark();

Q_SIGNALS:
    void themeChanged();
    void darkChanged();
    void languageChanged();
    void effectiveLanguageChanged();
    void tokenUrlChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyLanguage();
    void updateSystemDark();

    static Preferences *s_instance;
    QSettings *m_settings;
    Theme m_theme = Theme::System;
    bool m_systemDark = false;
    QString m_language;
    QString m_appliedLanguage;
    QString m_tokenUrl;
    std::unique_ptr<QTranslator> m_translator;
    QList<QPointer<QQmlEngine>> m_engines;
};

} // namespace chat::ui
