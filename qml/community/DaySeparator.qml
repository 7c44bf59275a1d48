// SPDX-License-Identifier: MIT
import QtQuick
import Chat.Common

//! The day the messages below it were written: "Today", "Yesterday" or a date.
Item {
    id: root

    property date day

    implicitHeight: 44

    Rectangle {
        anchors.centerIn: parent
        width: label.implicitWidth + 24
        height: 24
        radius: 12
        color: Theme.dark ? "#2a2f38" : "#dde3ec"

        Text {
            id: label
            objectName: "dayLabel"
            anchors.centerIn: parent
            text: Theme.dayLabel(root.day)
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize
            font.weight: Font.DemiBold
        }
    }
}
