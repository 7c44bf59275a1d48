// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Layouts
import Chat.Common

//! One user online in the room.
Item {
    id: root

    required property int index
    required property real userId
    required property string name
    required property string avatar
    required property bool own

    implicitHeight: 48
    objectName: "user_" + index

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 16
        anchors.rightMargin: 16
        spacing: 12

        Avatar {
            name: root.name
            source: root.avatar
            size: 32
            online: true
        }

        Text {
            text: root.name
            textFormat: Text.PlainText
            color: Theme.text
            font.pixelSize: Theme.fontSize
            font.weight: root.own ? Font.DemiBold : Font.Normal
            elide: Text.ElideRight
            Layout.fillWidth: true
        }

        Text {
            visible: root.own
            text: qsTr("you")
            color: Theme.textFaint
            font.pixelSize: Theme.smallFontSize
        }
    }
}
