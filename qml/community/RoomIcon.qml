// SPDX-License-Identifier: MIT
import QtQuick
import Chat.Common

//! A room's tile: its emoji, or its initial on the room's own colour when no font draws the
//! emoji.
Rectangle {
    id: root

    property string name
    property string iconText
    property bool iconIsEmoji: false
    property int size: 40

    implicitWidth: size
    implicitHeight: size
    radius: Math.round(size * 0.3)
    color: iconIsEmoji ? Theme.raised : Theme.colorFor(name)

    Text {
        anchors.centerIn: parent
        text: root.iconText
        color: root.iconIsEmoji ? Theme.text : "#ffffff"
        font.pixelSize: Math.round(root.size * (root.iconIsEmoji ? 0.5 : 0.42))
        font.weight: Font.Bold
    }
}
