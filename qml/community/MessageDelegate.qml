// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls as QQC2
import Chat.Core
import Chat.Common

//! One message: own messages on the right in the accent colour, others on the left with
//! their author; the message answered, "edited", deleted messages and the delivery state of
//! own messages are shown as such.
Item {
    id: root

    required property int index
    required property real messageId
    required property string text
    required property string type
    required property real authorId
    required property string authorName
    required property string authorAvatar
    required property date createdAt
    required property bool edited
    required property bool deleted
    required property bool own
    required property real replyTo
    required property string replyAuthorName
    required property string replyText
    required property bool replyDeleted
    required property int delivery
    required property string failure
    required property string clientId
    required property bool firstOfDay
    required property bool continuation

    signal replyRequested(real messageId)
    signal editRequested(real messageId)
    signal deleteRequested(real messageId)
    signal retryRequested(string clientId)
    signal discardRequested(string clientId)
    signal quoteActivated(real messageId)
    signal menuRequested(real x, real y)

    readonly property bool stored: messageId > 0
    readonly property bool grouped: continuation && !firstOfDay
    readonly property real sidePadding: 14
    readonly property real avatarSpace: own ? 0 : 44
    readonly property real contentPadding: 12
    readonly property real maxContentWidth: Math.max(120, Math.min((width - avatarSpace - 2 * sidePadding) * 0.8, 620)) - 2 * contentPadding
    readonly property real naturalTextWidth: Math.ceil(deleted ? deletedText.implicitWidth : body.implicitWidth)
    readonly property bool inlineMeta: !text.includes("\n")
                                       && naturalTextWidth + meta.implicitWidth + 12 <= maxContentWidth
    readonly property real contentWidth: Math.min(maxContentWidth, Math.max(
        inlineMeta ? naturalTextWidth + meta.implicitWidth + 12 : naturalTextWidth,
        authorLabel.visible ? authorLabel.implicitWidth : 0,
        quote.visible ? quote.naturalWidth : 0,
        meta.implicitWidth))

    implicitHeight: column.implicitHeight
    objectName: "message_" + index

    Column {
        id: column
        width: parent.width
        topPadding: root.grouped ? 2 : 8

        DaySeparator {
            visible: root.firstOfDay
            width: parent.width
            day: root.createdAt
        }

        Item {
            id: row
            width: parent.width
            height: bubble.height

            Avatar {
                visible: !root.own && !root.grouped
                name: root.authorName
                source: root.authorAvatar
                size: 34
                x: root.sidePadding
                y: 0
            }

            Rectangle {
                id: bubble
                objectName: "bubble"
                x: root.own ? row.width - width - root.sidePadding : root.sidePadding + root.avatarSpace
                width: root.contentWidth + 2 * root.contentPadding
                height: content.height + 16
                radius: Theme.bubbleRadius
                color: root.own ? Theme.ownBubble : Theme.otherBubble
                border.width: !root.own && !Theme.dark ? 1 : 0
                border.color: Theme.border
                opacity: root.delivery === MessageModel.Pending ? 0.7 : 1

                Column {
                    id: content
                    x: root.contentPadding
                    y: 8
                    width: root.contentWidth
                    spacing: 4

                    Text {
                        id: authorLabel
                        visible: !root.own && !root.grouped
                        width: Math.min(implicitWidth, parent.width)
                        text: root.authorName
                        textFormat: Text.PlainText
                        color: Theme.colorFor(root.authorName)
                        font.pixelSize: Theme.smallFontSize + 1
                        font.weight: Font.Bold
                        elide: Text.ElideRight
                    }

                    Rectangle {
                        id: quote
                        objectName: "replyQuote"
                        readonly property real naturalWidth: Math.max(quoteAuthor.implicitWidth, quoteText.implicitWidth) + 16
                        visible: root.replyTo > 0
                        width: parent.width
                        height: quoteColumn.height + 8
                        radius: 6
                        color: Theme.quote

                        Rectangle {
                            width: 3
                            height: parent.height - 8
                            y: 4
                            x: 4
                            radius: 1.5
                            color: root.own ? Theme.ownMeta : Theme.accent
                        }

                        Column {
                            id: quoteColumn
                            x: 12
                            y: 4
                            width: parent.width - 16

                            Text {
                                id: quoteAuthor
                                width: parent.width
                                text: root.replyAuthorName.length > 0 ? root.replyAuthorName : qsTr("Reply")
                                textFormat: Text.PlainText
                                color: root.own ? Theme.ownMeta : Theme.accent
                                font.pixelSize: Theme.smallFontSize
                                font.weight: Font.Bold
                                elide: Text.ElideRight
                            }
                            Text {
                                id: quoteText
                                width: parent.width
                                text: root.replyDeleted ? qsTr("Deleted message")
                                      : root.replyText.length > 0 ? root.replyText.replace(/\s+/g, " ")
                                      : qsTr("An earlier message")
                                textFormat: Text.PlainText
                                color: root.own ? Theme.ownBubbleText : Theme.textMuted
                                font.pixelSize: Theme.smallFontSize
                                font.italic: root.replyDeleted || root.replyText.length === 0
                                elide: Text.ElideRight
                                maximumLineCount: 1
                            }
                        }

                        TapHandler {
                            onTapped: root.quoteActivated(root.replyTo)
                        }
                    }

                    Item {
                        width: parent.width
                        height: root.deleted ? deletedText.height : body.height

                        MessageText {
                            id: body
                            objectName: "messageText"
                            visible: !root.deleted
                            width: parent.width
                            text: root.deleted ? "" : root.text
                            color: root.own ? Theme.ownBubbleText : Theme.text
                            linkColor: root.own ? Theme.ownLink : Theme.link
                        }

                        Text {
                            id: deletedText
                            visible: root.deleted
                            text: qsTr("This message was deleted")
                            color: root.own ? Theme.ownMeta : Theme.textMuted
                            font.pixelSize: Theme.fontSize
                            font.italic: true
                        }
                    }

                    Item {
                        visible: !root.inlineMeta
                        width: 1
                        height: meta.height - 2
                    }
                }

                Row {
                    id: meta
                    anchors.right: parent.right
                    anchors.rightMargin: root.contentPadding - 2
                    anchors.bottom: parent.bottom
                    anchors.bottomMargin: 6
                    spacing: 4

                    Text {
                        visible: root.edited
                        text: qsTr("edited")
                        color: root.own ? Theme.ownMeta : Theme.textFaint
                        font.pixelSize: 11
                        font.italic: true
                    }
                    Text {
                        text: Theme.timeLabel(root.createdAt)
                        color: root.own ? Theme.ownMeta : Theme.textFaint
                        font.pixelSize: 11
                    }
                    Text {
                        objectName: "deliveryMark"
                        visible: root.own
                        text: root.delivery === MessageModel.Pending ? "◷"
                              : root.delivery === MessageModel.Failed ? "!" : "✓"
                        color: root.delivery === MessageModel.Failed ? Theme.danger
                               : root.own ? Theme.ownMeta : Theme.textFaint
                        font.pixelSize: 11
                        font.weight: Font.Bold
                    }
                }
            }

            Row {
                id: actions
                objectName: "messageActions"
                visible: (hover.hovered || actions.childrenHovered) && root.stored && !root.deleted
                readonly property bool childrenHovered: replyButton.hovered || editButton.hovered || deleteButton.hovered
                spacing: 2
                y: Math.max(0, (bubble.height - height) / 2)
                x: root.own ? bubble.x - width - 6 : bubble.x + bubble.width + 6

                IconButton {
                    id: replyButton
                    objectName: "replyAction"
                    size: 28
                    glyph: "↩"
                    tip: qsTr("Reply")
                    onClicked: root.replyRequested(root.messageId)
                }
                IconButton {
                    id: editButton
                    objectName: "editAction"
                    visible: root.own
                    size: 28
                    glyph: "✎"
                    tip: qsTr("Edit")
                    onClicked: root.editRequested(root.messageId)
                }
                IconButton {
                    id: deleteButton
                    objectName: "deleteAction"
                    visible: root.own
                    size: 28
                    glyph: "✕"
                    tip: qsTr("Delete")
                    onClicked: root.deleteRequested(root.messageId)
                }
            }
        }

        Row {
            objectName: "failureRow"
            visible: root.own && root.delivery === MessageModel.Failed
            x: row.width - width - root.sidePadding
            spacing: 10
            topPadding: 4

            Text {
                text: qsTr("Not sent: %1").arg(root.failure)
                color: Theme.danger
                font.pixelSize: Theme.smallFontSize
                width: Math.min(implicitWidth, root.width * 0.6)
                elide: Text.ElideRight
            }
            QQC2.AbstractButton {
                objectName: "retryMessage"
                onClicked: root.retryRequested(root.clientId)
                contentItem: Text {
                    text: qsTr("Retry")
                    color: Theme.accent
                    font.pixelSize: Theme.smallFontSize
                    font.weight: Font.Bold
                }
            }
            QQC2.AbstractButton {
                onClicked: root.discardRequested(root.clientId)
                contentItem: Text {
                    text: qsTr("Discard")
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallFontSize
                }
            }
        }
    }

    HoverHandler {
        id: hover
    }

    TapHandler {
        acceptedButtons: Qt.RightButton
        onTapped: (eventPoint) => root.menuRequested(eventPoint.position.x, eventPoint.position.y)
    }

    TapHandler {
        acceptedDevices: PointerDevice.TouchScreen
        onLongPressed: root.menuRequested(point.position.x, point.position.y)
    }
}
