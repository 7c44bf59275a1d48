// SPDX-License-Identifier: MIT
import QtQuick
import Chat.Core
import Chat.Common

//! "Lan is typing…" under the messages; keeps its height so that the list does not jump.
Item {
    id: root

    readonly property var names: Community.typingNames
    readonly property string label: {
        if (names.length === 0)
            return ""
        if (names.length === 1)
            return qsTr("%1 is typing…").arg(names[0])
        if (names.length === 2)
            return qsTr("%1 and %2 are typing…").arg(names[0]).arg(names[1])
        return qsTr("%1 and %n other(s) are typing…", "", names.length - 1).arg(names[0])
    }

    implicitHeight: 24
    objectName: "typingIndicator"

    Row {
        anchors.verticalCenter: parent.verticalCenter
        x: 18
        spacing: 8
        visible: root.names.length > 0

        Row {
            anchors.verticalCenter: parent.verticalCenter
            spacing: 3
            Repeater {
                model: 3
                Rectangle {
                    id: dot
                    required property int index
                    width: 5
                    height: 5
                    radius: 2.5
                    color: Theme.textMuted
                    SequentialAnimation on opacity {
                        running: dot.visible
                        loops: Animation.Infinite
                        PauseAnimation { duration: dot.index * 150 }
                        NumberAnimation { from: 0.25; to: 1; duration: 300 }
                        NumberAnimation { from: 1; to: 0.25; duration: 300 }
                        PauseAnimation { duration: (2 - dot.index) * 150 }
                    }
                }
            }
        }

        Text {
            objectName: "typingText"
            text: root.label
            textFormat: Text.PlainText
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize
            font.italic: true
        }
    }
}
