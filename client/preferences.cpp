// SPDX-License-Identifier: MIT
#include "preferences.h"

#include "logging.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QEvent>
#include <QtCore/QLocale>
#include <QtCore/QSettings>
#include <QtCore/QThread>
#include <QtGui/QGuiApplication>
#include <QtGui/QPalette>
#include <QtGui/QStyleHints>
#include <QtQml/QQmlEngine>

using namespace Qt::StringLiterals;

namespace chat::ui {

namespace {

const QString ThemeKey = u"ui/theme"_s;
const QString LanguageKey = u"ui/language"_s;
const QString TokenUrlKey = u"site/tokenUrl"_s;

bool isSupported(const QString &language)
{
    return language == u"vi"_s || language == u"en"_s;
}

} // namespace

Preferences *Preferences::s_instance = nullptr;

Preferences::Preferences(QSettings *settings, QObject *parent)
    : QObject(parent), m_settings(settings)
{
    Q_ASSERT(!s_instance);
    s_instance = this;
    const QString theme = m_settings->value(ThemeKey).toString();
    m_theme = theme == u"light"_s ? Theme::Light : theme == u"dark"_s ? Theme::Dark : Theme::System;
    const QString language = m_settings->value(LanguageKey).toString();
    m_language = isSupported(language) ? language : QString();
    m_tokenUrl = m_settings->value(TokenUrlKey).toString();
    m_systemDark = systemPaletteIsDark();
    if (qGuiApp) {
        qGuiApp->installEventFilter(this);
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
        connect(QGuiApplication::styleHints(), &QStyleHints::colorSchemeChanged, this,
                &Preferences::updateSystemDark);
#endif
    }
    applyLanguage();
}

Preferences::~Preferences()
{
    if (m_translator)
        QCoreApplication::removeTranslator(m_translator.get());
    if (s_instance == this)
        s_instance = nullptr;
}

Preferences *Preferences::create(QQmlEngine *engine, QJSEngine *)
{
    Q_ASSERT(s_instance);
    Q_ASSERT(engine->thread() == s_instance->thread());
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    s_instance->m_engines.removeAll(nullptr);
    s_instance->m_engines.append(engine);
    return s_instance;
}

Preferences *Preferences::instance()
{
    return s_instance;
}

void Preferences::setTheme(Theme theme)
{
    if (theme == m_theme)
        return;
    const bool wasDark = dark();
    m_theme = theme;
    m_settings->setValue(ThemeKey,
                         theme == Theme::Light          ? u"light"_s
                                 : theme == Theme::Dark ? u"dark"_s
                                                        : u"system"_s);
    Q_EMIT themeChanged();
    if (wasDark != dark())
        Q_EMIT darkChanged();
}

bool Preferences::dark() const
{
    return m_theme == Theme::Dark || (m_theme == Theme::System && m_systemDark);
}

void Preferences::setLanguage(const QString &language)
{
    const QString chosen = isSupported(language) ? language : QString();
    if (chosen == m_language)
        return;
    m_language = chosen;
    m_settings->setValue(LanguageKey, chosen);
    Q_EMIT languageChanged();
    applyLanguage();
}

QString Preferences::effectiveLanguage() const
{
    return m_language.isEmpty() ? systemLanguage() : m_language;
}

void Preferences::setTokenUrl(const QString &url)
{
    const QString trimmed = url.trimmed();
    if (trimmed == m_tokenUrl)
        return;
    m_tokenUrl = trimmed;
    m_settings->setValue(TokenUrlKey, trimmed);
    Q_EMIT tokenUrlChanged();
}

QString Preferences::systemLanguage()
{
    const QStringList languages = QLocale::system().uiLanguages();
    for (const QString &language : languages) {
        const QString code = language.section(u'-', 0, 0).section(u'_', 0, 0).toLower();
        if (isSupported(code))
            return code;
    }
    return u"en"_s;
}

bool Preferences::systemPaletteIsDark()
{
    if (!qGuiApp)
        return false;
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    if (QGuiApplication::styleHints()->colorScheme() != Qt::ColorScheme::Unknown)
        return QGuiApplication::styleHints()->colorScheme() == Qt::ColorScheme::Dark;
#endif
    const QPalette palette = QGuiApplication::palette();
    return palette.color(QPalette::Window).lightness()
            < palette.color(QPalette::WindowText).lightness();
}

bool Preferences::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qGuiApp && event->type() == QEvent::ApplicationPaletteChange)
        updateSystemDark();
    return QObject::eventFilter(watched, event);
}

void Preferences::updateSystemDark()
{
    const bool systemDark = systemPaletteIsDark();
    if (systemDark == m_systemDark)
        return;
    const bool wasDark = dark();
    m_systemDark = systemDark;
    if (wasDark != dark())
        Q_EMIT darkChanged();
}

void Preferences::applyLanguage()
{
    const QString language = effectiveLanguage();
    if (language == m_appliedLanguage)
        return;
    if (m_translator)
        QCoreApplication::removeTranslator(m_translator.get());
    m_translator = std::make_unique<QTranslator>();
    // English is the source language; its catalogue only carries the plural forms.
    if (m_translator->load(u":/i18n/chat_%1.qm"_s.arg(language)))
        QCoreApplication::installTranslator(m_translator.get());
    else
        qCWarning(lcUiSettings) << "no translation catalogue for" << language;
    QLocale::setDefault(QLocale(language == u"vi"_s ? QLocale::Vietnamese : QLocale::English,
                                language == u"vi"_s ? QLocale::Vietnam : QLocale::UnitedStates));
    m_appliedLanguage = language;
    Q_EMIT effectiveLanguageChanged();
    m_engines.removeAll(nullptr);
    for (const QPointer<QQmlEngine> &engine : std::as_const(m_engines))
        engine->retranslate();
}

} // namespace chat::ui
