// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import QtQuick.Layouts
import Chat.Core
import Chat.Common

//! Where messages are written. Enter sends, Shift+Enter starts a new line, Escape cancels a
//! reply or an edit, Up in an empty composer edits the last own message. The remaining
//! characters show as the 2000-character limit nears.
Rectangle {
    id: root

    //! The message answered, or 0.
    property real replyTo: 0
    //! The own message being edited, or 0.
    property real editing: 0
    readonly property int remaining: Community.remaining(input.text)
    readonly property bool canSend: input.text.trim().length > 0 && remaining >= 0
    property bool restoringDraft: false

    signal sent()

    objectName: "composer"
    color: Theme.surface
    implicitHeight: layout.implicitHeight + 20

    function startReply(messageId: real): void {
        editing = 0
        replyTo = messageId
        input.forceActiveFocus()
    }

    function startEdit(messageId: real): void {
        replyTo = 0
        editing = messageId
        restoringDraft = true
        input.text = Community.messageText(messageId)
        restoringDraft = false
        input.cursorPosition = input.length
        input.forceActiveFocus()
    }

    function cancel(): void {
        const wasEditing = editing !== 0
        replyTo = 0
        editing = 0
        if (wasEditing)
            loadDraft()
    }

    function loadDraft(): void {
        restoringDraft = true
        input.text = Community.draft(Community.currentRoomId)
        input.cursorPosition = input.length
        restoringDraft = false
    }

    function send(): void {
        if (!canSend) {
            if (remaining < 0)
                Community.sendMessage(input.text, replyTo)
            return
        }
        if (editing !== 0) {
            if (Community.editMessage(editing, input.text)) {
                editing = 0
                loadDraft()
            }
            return
        }
        if (Community.sendMessage(input.text, replyTo)) {
            replyTo = 0
            restoringDraft = true
            input.clear()
            restoringDraft = false
            root.sent()
        }
    }

    function insertText(text: string): void {
        input.insert(input.cursorPosition, text)
        input.forceActiveFocus()
    }

    Connections {
        target: Community
        function onCurrentRoomChanged(): void {
            if (root.editing === 0 && root.replyTo === 0 && input.text === Community.draft(Community.currentRoomId))
                return
            root.replyTo = 0
            root.editing = 0
            root.loadDraft()
        }
    }

    Component.onCompleted: loadDraft()

    Rectangle {
        width: parent.width
        height: 1
        color: Theme.border
    }

    ColumnLayout {
        id: layout
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: 10
        anchors.rightMargin: 12
        spacing: 8

        RowLayout {
            objectName: "composerContext"
            visible: root.replyTo !== 0 || root.editing !== 0
            Layout.fillWidth: true
            Layout.leftMargin: 8
            spacing: 10

            Rectangle {
                implicitWidth: 3
                Layout.fillHeight: true
                radius: 1.5
                color: Theme.accent
            }

            ColumnLayout {
                spacing: 1
                Layout.fillWidth: true
                Text {
                    text: root.editing !== 0 ? qsTr("Editing your message")
                                             : qsTr("Replying to %1").arg(Community.messageAuthor(root.replyTo))
                    textFormat: Text.PlainText
                    color: Theme.accent
                    font.pixelSize: Theme.smallFontSize
                    font.weight: Font.Bold
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Text {
                    text: Community.messageText(root.editing !== 0 ? root.editing : root.replyTo).replace(/\s+/g, " ")
                    textFormat: Text.PlainText
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    Layout.fillWidth: true
                }
            }

            IconButton {
                size: 28
                glyph: "✕"
                tip: qsTr("Cancel (Esc)")
                onClicked: root.cancel()
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 6

            IconButton {
                id: emojiButton
                objectName: "emojiButton"
                glyph: "☺"
                tip: qsTr("Emoji")
                Layout.alignment: Qt.AlignBottom
                Layout.bottomMargin: 2
                onClicked: picker.opened ? picker.close() : picker.open()

                EmojiPicker {
                    id: picker
                    objectName: "emojiPicker"
                    y: -height - 8
                    onPicked: (emoji) => {
                        close()
                        root.insertText(emoji)
                    }
                }
            }

            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(Math.max(40, input.implicitHeight), 150)
                radius: 20
                color: Theme.raised
                border.width: input.activeFocus ? 1 : 0
                border.color: Theme.accent

                Flickable {
                    id: scroll
                    anchors.fill: parent
                    anchors.leftMargin: 6
                    anchors.rightMargin: 6
                    clip: true
                    boundsBehavior: Flickable.StopAtBounds
                    QQC2.ScrollBar.vertical: QQC2.ScrollBar {}

                    // The flickable follows the cursor and its width wraps the text; a
                    // ScrollView would change that width when its scroll bar shows.
                    QQC2.TextArea.flickable: QQC2.TextArea {
                        id: input
                        objectName: "composerInput"
                        placeholderText: Community.currentRoomName.length > 0
                                         ? qsTr("Message %1").arg(Community.currentRoomName)
                                         : qsTr("Write a message…")
                        placeholderTextColor: Theme.textFaint
                        color: Theme.text
                        selectionColor: Theme.selection
                        selectedTextColor: Theme.text
                        font.pixelSize: Theme.fontSize
                        wrapMode: TextEdit.Wrap
                        textFormat: TextEdit.PlainText
                        selectByMouse: true
                        topPadding: 10
                        bottomPadding: 10
                        leftPadding: 8
                        rightPadding: 8
                        background: null
                        enabled: Community.currentRoomId !== 0

                        onTextChanged: {
                            if (root.restoringDraft || root.editing !== 0)
                                return
                            Community.setDraft(Community.currentRoomId, text)
                            if (text.length > 0)
                                Community.composing()
                            else
                                Community.stopComposing()
                        }

                        Keys.onPressed: (event) => {
                            const enter = event.key === Qt.Key_Return || event.key === Qt.Key_Enter
                            // While an input method composes (Telex, VNI...), Enter commits the
                            // word; it must not send a half-typed one.
                            if (enter && !(event.modifiers & Qt.ShiftModifier) && !input.inputMethodComposing) {
                                event.accepted = true
                                root.send()
                            } else if (event.key === Qt.Key_Escape && (root.replyTo !== 0 || root.editing !== 0)) {
                                event.accepted = true
                                root.cancel()
                            } else if (event.key === Qt.Key_Up && input.length === 0 && root.editing === 0) {
                                const last = Community.messages.lastEditableId()
                                if (last > 0) {
                                    event.accepted = true
                                    root.startEdit(last)
                                }
                            }
                        }
                    }
                }
            }

            Text {
                objectName: "remainingLabel"
                visible: root.remaining < 200
                text: root.remaining
                color: root.remaining < 0 ? Theme.danger : root.remaining < 50 ? Theme.warning : Theme.textMuted
                font.pixelSize: Theme.smallFontSize
                font.weight: root.remaining < 0 ? Font.Bold : Font.Normal
                Layout.alignment: Qt.AlignBottom
                Layout.bottomMargin: 12
                QQC2.ToolTip.visible: remainingHover.hovered
                QQC2.ToolTip.text: root.remaining < 0
                                   ? qsTr("%n character(s) over the limit", "", -root.remaining)
                                   : qsTr("%n character(s) left", "", root.remaining)
                HoverHandler {
                    id: remainingHover
                }
            }

            QQC2.AbstractButton {
                id: sendButton
                objectName: "sendButton"
                implicitWidth: 40
                implicitHeight: 40
                enabled: root.canSend
                hoverEnabled: true
                Layout.alignment: Qt.AlignBottom
                Accessible.name: root.editing !== 0 ? qsTr("Save") : qsTr("Send")
                onClicked: root.send()
                QQC2.ToolTip.visible: hovered
                QQC2.ToolTip.text: root.editing !== 0 ? qsTr("Save (Enter)") : qsTr("Send (Enter)")
                QQC2.ToolTip.delay: 600

                background: Rectangle {
                    radius: width / 2
                    color: sendButton.enabled ? (sendButton.down ? Theme.accentPressed : Theme.accent)
                                              : Theme.raised
                }
                contentItem: Text {
                    text: root.editing !== 0 ? "✓" : "➤"
                    color: sendButton.enabled ? Theme.accentText : Theme.textFaint
                    font.pixelSize: 17
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
            }
        }
    }
}
