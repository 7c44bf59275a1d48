// SPDX-License-Identifier: MIT
#include "linkhighlighter.h"

#include "linkfinder.h"

#include <QtGui/QSyntaxHighlighter>
#include <QtGui/QTextCharFormat>
#include <QtGui/QTextDocument>
#include <QtQuick/QQuickTextDocument>

namespace chat::ui {

namespace {

class Highlighter : public QSyntaxHighlighter
{
public:
    Highlighter(QTextDocument *document, QColor color)
        : QSyntaxHighlighter(document), m_color(color)
    { }

    void setColor(const QColor &color)
    {
        m_color = color;
        rehighlight();
    }

protected:
    void highlightBlock(const QString &text) override
    {
        QTextCharFormat format;
        format.setForeground(m_color);
        format.setFontUnderline(true);
        const QList<TextLink> links = findLinks(text);
        for (const TextLink &link : links)
            setFormat(int(link.start), int(link.length), format);
    }

private:
    QColor m_color;
};

} // namespace

LinkHighlighter::LinkHighlighter(QObject *parent) : QObject(parent) { }

LinkHighlighter::~LinkHighlighter() = default;

void LinkHighlighter::setDocument(QQuickTextDocument *document)
{
    if (document == m_document)
        return;
    delete m_highlighter;
    m_document = document;
    if (document && document->textDocument())
        m_highlighter = new Highlighter(document->textDocument(), m_color);
    Q_EMIT documentChanged();
}

void LinkHighlighter::setColor(const QColor &color)
{
    if (color == m_color)
        return;
    m_color = color;
    if (m_highlighter)
        static_cast<Highlighter *>(m_highlighter.data())->setColor(color);
    Q_EMIT colorChanged();
}

QString LinkHighlighter::linkAt(int position) const
{
    if (!m_document || !m_document->textDocument() || position < 0)
        return {};
    const QList<TextLink> links = findLinks(m_document->textDocument()->toPlainText());
    for (const TextLink &link : links) {
        if (position >= link.start && position < link.start + link.length)
            return link.url.toString(QUrl::FullyEncoded);
    }
    return {};
}

QStringList LinkHighlighter::links(const QString &text) const
{
    QStringList urls;
    const QList<TextLink> links = findLinks(text);
    for (const TextLink &link : links)
        urls.append(link.url.toString());
    return urls;
}

} // namespace chat::ui
