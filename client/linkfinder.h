// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QUrl>

namespace chat::ui {

//! \brief A web address found in plain text.
struct TextLink
{
    //! Position and length in the text, in UTF-16 code units.
    qsizetype start = 0;
    qsizetype length = 0;
    //! The address to open: always http or https.
    QUrl url;

    friend bool operator==(const TextLink &, const TextLink &) = default;
};

//! \brief The http(s) and www. addresses in \a text.
//!
//! Messages are plain text; links are found here and drawn over that text, so nothing a user
//! writes is ever interpreted as markup. Only http and https addresses become links (never
//! javascript:, file: or others); punctuation that ends a sentence is not part of the link,
//! nor is a closing parenthesis that was not opened inside it.
QList<TextLink> findLinks(const QString &text);

} // namespace chat::ui
