// SPDX-License-Identifier: MIT
#include "fontcoverage.h"

#include <QtCore/QHash>
#include <QtCore/QStringList>
#include <QtGui/QFont>
#include <QtGui/QFontDatabase>
#include <QtGui/QGuiApplication>
#include <QtGui/QRawFont>

namespace chat::ui {

namespace {

bool isPresentationSelector(char32_t ucs4)
{
    // Variation selectors and the zero-width joiner shape neighbouring characters; they
    // have no glyph of their own.
    return (ucs4 >= 0xFE00 && ucs4 <= 0xFE0F) || ucs4 == 0x200D
            || (ucs4 >= 0x1F3FB && ucs4 <= 0x1F3FF);
}

const QList<QRawFont> &installedFonts()
{
    static const QList<QRawFont> fonts = [] {
        QList<QRawFont> list;
        const QStringList families = QFontDatabase::families();
        for (const QString &family : families) {
            QRawFont raw = QRawFont::fromFont(QFont(family));
            if (raw.isValid())
                list.append(raw);
        }
        return list;
    }();
    return fonts;
}

bool covered(char32_t ucs4)
{
    static QHash<char32_t, bool> cache;
    const auto it = cache.constFind(ucs4);
    if (it != cache.constEnd())
        return *it;
    bool found = false;
    for (const QRawFont &font : installedFonts()) {
        if (font.supportsCharacter(ucs4)) {
            found = true;
            break;
        }
    }
    cache.insert(ucs4, found);
    return found;
}

} // namespace

bool canRender(const QString &text)
{
    if (text.isEmpty() || !qGuiApp)
        return false;
    const QList<uint> codePoints = text.toUcs4();
    for (const uint codePoint : codePoints) {
        const auto ucs4 = char32_t(codePoint);
        if (!isPresentationSelector(ucs4) && !covered(ucs4))
            return false;
    }
    return true;
}

} // namespace chat::ui
