// SPDX-License-Identifier: MIT
import QtQuick
import Chat.Core
import Chat.Common

//! A dot and a word for the state of the connection; always on screen somewhere.
Row {
    id: root

    readonly property int state: Session.connection
    readonly property color tint: state === Session.Online ? Theme.online
                                  : state === Session.Offline ? Theme.danger : Theme.warning
    readonly property string label: {
        switch (state) {
        case Session.Online:
            return qsTr("Online")
        case Session.Connecting:
            return qsTr("Connecting…")
        case Session.Reconnecting:
            return Session.reconnectSeconds > 0
                    ? qsTr("Reconnecting in %n s…", "", Session.reconnectSeconds)
                    : qsTr("Reconnecting…")
        default:
            return qsTr("Offline")
        }
    }

    spacing: 6
    objectName: "connectionBadge"

    Rectangle {
        id: dot
        width: 8
        height: 8
        radius: 4
        color: root.tint
        anchors.verticalCenter: parent.verticalCenter

        SequentialAnimation on opacity {
            running: root.state === Session.Connecting || root.state === Session.Reconnecting
            loops: Animation.Infinite
            onRunningChanged: if (!running) dot.opacity = 1
            NumberAnimation { to: 0.25; duration: 600 }
            NumberAnimation { to: 1; duration: 600 }
        }
    }

    Text {
        objectName: "connectionText"
        text: root.label
        color: root.state === Session.Online ? Theme.textMuted : root.tint
        font.pixelSize: Theme.smallFontSize
        anchors.verticalCenter: parent.verticalCenter
    }
}
