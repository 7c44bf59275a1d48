// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import Chat.Core
import Chat.Common

//! A grid of emoji to insert into the message.
QQC2.Popup {
    id: root

    readonly property EmojiModel emojis: EmojiModel {}

    signal picked(string emoji)

    width: Math.min(8, Math.max(1, emojis.count)) * 40 + 20
    height: Math.min(4, Math.ceil(emojis.count / 8)) * 40 + 20
    padding: 10
    modal: false
    focus: true

    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.width: 1
        border.color: Theme.border
    }

    GridView {
        anchors.fill: parent
        clip: true
        cellWidth: 40
        cellHeight: 40
        model: root.emojis
        QQC2.ScrollBar.vertical: QQC2.ScrollBar {}

        delegate: QQC2.AbstractButton {
            id: cell
            required property string emoji
            required property int index
            objectName: "emoji_" + index
            width: 40
            height: 40
            hoverEnabled: true
            Accessible.name: emoji
            onClicked: root.picked(emoji)
            background: Rectangle {
                radius: 8
                color: cell.hovered ? Theme.hover : "transparent"
            }
            contentItem: Text {
                text: cell.emoji
                font.pixelSize: 22
                color: Theme.text
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
        }
    }
}
