// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Layouts
import Chat.Core
import Chat.Common

//! A strip across the chat while the app is not online: what is happening, what waits, and a
//! way to try again now.
Rectangle {
    id: root

    readonly property int state: Session.connection
    readonly property bool shown: Session.status === Session.SignedIn && state !== Session.Online

    objectName: "connectionBanner"
    visible: shown
    implicitHeight: shown ? row.implicitHeight + 16 : 0
    color: state === Session.Offline ? Theme.dangerSoft : Theme.warningSoft

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: 16
        anchors.rightMargin: 8
        spacing: 12

        ConnectionBadge {
            Layout.alignment: Qt.AlignVCenter
        }

        Text {
            Layout.fillWidth: true
            Layout.alignment: Qt.AlignVCenter
            elide: Text.ElideRight
            color: Theme.textMuted
            font.pixelSize: Theme.smallFontSize
            text: {
                if (Community.pendingCount > 0)
                    return qsTr("%n message(s) will be sent when the connection is back.", "",
                                Community.pendingCount)
                if (root.state === Session.Offline)
                    return Session.errorText.length > 0 ? Session.errorText
                                                        : qsTr("You are offline.")
                return qsTr("Messages sent meanwhile will appear once connected.")
            }
        }

        PrimaryButton {
            objectName: "retryButton"
            secondary: true
            implicitHeight: 30
            text: qsTr("Retry now")
            visible: root.state === Session.Reconnecting || root.state === Session.Offline
            onClicked: Session.reconnectNow()
        }
    }
}
