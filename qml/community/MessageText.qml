// SPDX-License-Identifier: MIT
import QtQuick
import Chat.Core
import Chat.Common

//! The text of a message: plain text, never markup, selectable, with its web addresses drawn
//! as links that open in the browser.
TextEdit {
    id: root

    property color linkColor: Theme.link

    readOnly: true
    textFormat: TextEdit.PlainText
    wrapMode: TextEdit.Wrap
    selectByMouse: true
    color: Theme.text
    selectionColor: Theme.selection
    selectedTextColor: Theme.text
    font.pixelSize: Theme.fontSize

    //! The address under the point (x, y) of this item, or an empty string.
    function linkUnder(x: real, y: real): string {
        const position = root.positionAt(x, y)
        const cursor = root.positionToRectangle(position)
        // positionAt() gives the nearest gap between characters; the character under the
        // point is the one before that gap when the point is left of it.
        const character = x < cursor.x ? position - 1 : position
        return links.linkAt(character)
    }

    LinkHighlighter {
        id: links
        document: root.textDocument
        color: root.linkColor
    }

    HoverHandler {
        id: hover
        cursorShape: hovered && root.linkUnder(point.position.x, point.position.y).length > 0
                     ? Qt.PointingHandCursor : Qt.IBeamCursor
    }

    TapHandler {
        acceptedButtons: Qt.LeftButton
        onTapped: (eventPoint) => {
            const link = root.linkUnder(eventPoint.position.x, eventPoint.position.y)
            if (link.length > 0)
                Qt.openUrlExternally(link)
        }
    }
}
