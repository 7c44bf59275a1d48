// SPDX-License-Identifier: MIT
#include "linkfinder.h"

#include <QtCore/QRegularExpression>

using namespace Qt::StringLiterals;

namespace chat::ui {

namespace {

qsizetype trimmedLength(QStringView candidate)
{
    qsizetype length = candidate.size();
    while (length > 0) {
        const QChar last = candidate.at(length - 1);
        if (QStringView(u".,;:!?'\"*…").contains(last)) {
            --length;
            continue;
        }
        if (last == u')' || last == u']') {
            const QChar open = last == u')' ? u'(' : u'[';
            const QStringView inside = candidate.first(length);
            if (inside.count(open) < inside.count(last)) {
                --length;
                continue;
            }
        }
        break;
    }
    return length;
}

} // namespace

QList<TextLink> findLinks(const QString &text)
{
    static const QRegularExpression pattern(
            u"(?<![\\w@/.])(?:https?://|www\\.)[^\\s<>\"]+"_s,
            QRegularExpression::CaseInsensitiveOption
                    | QRegularExpression::UseUnicodePropertiesOption);
    QList<TextLink> links;
    QRegularExpressionMatchIterator it = pattern.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        const QStringView candidate
                = QStringView(text).sliced(match.capturedStart(), match.capturedLength());
        const qsizetype length = trimmedLength(candidate);
        const QString address = candidate.first(length).toString();
        const bool bare = address.startsWith(u"www."_s, Qt::CaseInsensitive);
        QUrl url(bare ? u"https://"_s + address : address, QUrl::TolerantMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || url.host().isEmpty() || url.host().endsWith(u'.')
            || (scheme != u"http"_s && scheme != u"https"_s) || (bare && length <= 4))
            continue;
        links.append({match.capturedStart(), length, url});
    }
    return links;
}

} // namespace chat::ui
