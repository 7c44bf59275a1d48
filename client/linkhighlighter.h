// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtGui/QColor>
#include <QtQml/qqmlregistration.h>
#include <QtQuick/QQuickTextDocument>

QT_BEGIN_NAMESPACE
class QSyntaxHighlighter;
QT_END_NAMESPACE

namespace chat::ui {

//! \brief Draws the links of a plain-text TextEdit and tells which link is under a position.
//!
//! Message text is shown with TextEdit.PlainText, so it is never parsed as markup; this
//! object only colours and underlines the http(s) addresses found in it, and linkAt() lets the
//! QML side open the one that was clicked.
//!
//! \code
//! TextEdit { id: body; textFormat: TextEdit.PlainText; readOnly: true; text: model.text
//!     LinkHighlighter { id: links; document: body.textDocument; color: Theme.link } }
//! \endcode
class LinkHighlighter : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument *document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QColor color READ color WRITE setColor NOTIFY colorChanged)

public:
    explicit LinkHighlighter(QObject *parent = nullptr);
    ~LinkHighlighter() override;

    QQuickTextDocument *document() const { return m_document; }
    void setDocument(QQuickTextDocument *document);
    QColor color() const { return m_color; }
    void setColor(const QColor &color);

    //! \brief The link at the character \a position of the document's text, or an empty
    //! string.
    Q_INVOKABLE QString linkAt(int position) const;
    //! \brief Every link of \a text (for tests and the context menu's "Copy link").
    Q_INVOKABLE QStringList links(const QString &text) const;

Q_SIGNALS:
    void documentChanged();
    void colorChanged();

private:
    QPointer<QQuickTextDocument> m_document;
    QPointer<QSyntaxHighlighter> m_highlighter;
    QColor m_color{0x2a, 0x7a, 0xe2};
};

} // namespace chat::ui
