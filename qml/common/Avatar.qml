// SPDX-License-Identifier: MIT
import QtQuick
import Chat.Common

//! A round picture of a user: the avatar image once it has loaded, the initials on a colour of
//! their own until then (or when there is none).
Item {
    id: root

    property string name
    property string source
    property int size: 36
    //! Shows the green dot of a user who is online.
    property bool online: false

    implicitWidth: size
    implicitHeight: size

    Rectangle {
        id: disc
        anchors.fill: parent
        radius: width / 2
        color: Theme.colorFor(root.name)
        visible: picture.status !== Image.Ready

        Text {
            anchors.centerIn: parent
            text: root.initials(root.name)
            color: "#ffffff"
            font.pixelSize: Math.round(root.size * 0.4)
            font.weight: Font.DemiBold
        }
    }

    Image {
        id: picture
        anchors.fill: parent
        source: root.source.startsWith("https://") || root.source.startsWith("http://") ? root.source : ""
        sourceSize: Qt.size(root.size * 2, root.size * 2)
        fillMode: Image.PreserveAspectCrop
        asynchronous: true
        cache: true
        visible: status === Image.Ready
    }

    Rectangle {
        visible: root.online
        width: Math.max(8, Math.round(root.size * 0.3))
        height: width
        radius: width / 2
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        color: Theme.online
        border.width: 2
        border.color: Theme.sidebar
    }

    function initials(text: string): string {
        const words = text.trim().split(/\s+/).filter(w => w.length > 0)
        if (words.length === 0)
            return "?"
        const first = String.fromCodePoint(words[0].codePointAt(0))
        if (words.length === 1)
            return first.toUpperCase()
        const last = String.fromCodePoint(words[words.length - 1].codePointAt(0))
        return (first + last).toUpperCase()
    }
}
