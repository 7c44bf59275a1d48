// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Layouts
import Chat.Common

//! Tells the user about something that failed or will wait, for a few seconds, without
//! blocking them; messages that come meanwhile are shown one after the other.
Rectangle {
    id: root

    property var queue: []
    property string message
    property bool warning: false

    objectName: "toast"
    visible: opacity > 0
    opacity: message.length > 0 ? 1 : 0
    implicitWidth: Math.min(560, content.implicitWidth + 24)
    implicitHeight: content.implicitHeight + 20
    radius: Theme.radius
    color: warning ? Theme.warningSoft : Theme.dangerSoft
    border.width: 1
    border.color: warning ? Theme.warning : Theme.danger

    Behavior on opacity {
        NumberAnimation { duration: 150 }
    }

    //! Shows \a text; a warning is about something that waits rather than something that failed.
    function show(text: string, isWarning: bool): void {
        if (text.length === 0)
            return
        if (message.length > 0) {
            queue.push({ text: text, warning: isWarning })
            return
        }
        message = text
        warning = isWarning
        timer.restart()
    }

    function next(): void {
        if (queue.length > 0) {
            const item = queue.shift()
            message = item.text
            warning = item.warning
            timer.restart()
        } else {
            message = ""
        }
    }

    Timer {
        id: timer
        interval: 6000
        onTriggered: root.next()
    }

    RowLayout {
        id: content
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 6
        spacing: 8

        Text {
            text: root.warning ? "⚠" : "✕"
            color: root.warning ? Theme.warning : Theme.danger
            font.pixelSize: Theme.fontSize
            Layout.alignment: Qt.AlignVCenter
        }

        Text {
            objectName: "toastText"
            text: root.message
            textFormat: Text.PlainText
            color: Theme.text
            font.pixelSize: Theme.fontSize
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            Layout.maximumWidth: 480
            Layout.alignment: Qt.AlignVCenter
        }

        IconButton {
            glyph: "✕"
            size: 28
            tip: qsTr("Dismiss")
            onClicked: root.next()
            Layout.alignment: Qt.AlignVCenter
        }
    }
}
