// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import Chat.Core
import Chat.Community
import ChatTest

//! Writing in #general: Enter sends, Shift+Enter breaks the line, the limit shows as it nears,
//! emoji go in; what others write and type shows up.
TestCase {
    id: testCase

    name: "SendMessage"
    when: windowShown
    // A TestCase is hidden by default; the page under test must be shown to take input.
    visible: true
    width: 1100
    height: 700

    property Item page

    Component {
        id: pageComponent
        CommunityPage {
            width: testCase.width
            height: testCase.height
        }
    }

    function initTestCase(): void {
        Session.signInWithToken(TestBackend.serverUrl, TestBackend.token(701, "QML Tester"))
        tryCompare(Session, "status", Session.SignedIn, 10000)
        verify(TestBackend.peerJoin())
        // One page for every test function, as a user keeps the window open.
        page = pageComponent.createObject(testCase)
        verify(page)
        tryVerify(() => Community.currentRoomId !== 0 && Community.messages.loaded, 10000)
    }

    function cleanupTestCase(): void {
        page.destroy()
    }

    function typeText(text: string): void {
        for (let i = 0; i < text.length; ++i)
            keyClick(text[i])
    }

    function newestDelegate(): Item {
        const list = findChild(page, "messageList")
        list.positionViewAtBeginning()
        return list.itemAtIndex(0)
    }

    function test_1_enterSendsShiftEnterBreaksTheLine(): void {
        const input = findChild(page, "composerInput")
        input.forceActiveFocus()
        typeText("Hello from QML")
        keyClick(Qt.Key_Return, Qt.ShiftModifier)
        compare(input.text, "Hello from QML\n")
        typeText("second line")
        keyClick(Qt.Key_Return)
        compare(input.text, "")

        tryVerify(() => TestBackend.peerReceived("Hello from QML\nsecond line"), 10000)
        tryVerify(() => newestDelegate() !== null && newestDelegate().messageId > 0, 10000)
        const shown = newestDelegate()
        compare(shown.text, "Hello from QML\nsecond line")
        verify(shown.own)
        compare(shown.delivery, MessageModel.Sent)
    }

    function test_2_sendButton(): void {
        const input = findChild(page, "composerInput")
        const send = findChild(page, "sendButton")
        input.text = "   "
        verify(!send.enabled)
        input.text = "Clicked, not typed"
        verify(send.enabled)
        mouseClick(send)
        compare(input.text, "")
        tryVerify(() => TestBackend.peerReceived("Clicked, not typed"), 10000)
    }

    function test_3_limitShowsAsItNears(): void {
        const input = findChild(page, "composerInput")
        const send = findChild(page, "sendButton")
        const remaining = findChild(page, "remainingLabel")
        input.text = "x".repeat(1000)
        verify(!remaining.visible)
        input.text = "x".repeat(1990)
        verify(remaining.visible)
        compare(remaining.text, "10")
        verify(send.enabled)
        input.text = "x".repeat(2001)
        compare(remaining.text, "-1")
        verify(!send.enabled)

        // Enter on a message that is too long says why instead of sending nothing silently.
        const toast = findChild(page, "toast")
        const before = Community.messages.count
        input.forceActiveFocus()
        keyClick(Qt.Key_Return)
        tryVerify(() => toast.message.length > 0)
        compare(input.text.length, 2001)
        compare(Community.messages.count, before)
        input.text = ""
    }

    function test_4_emoji(): void {
        const input = findChild(page, "composerInput")
        input.text = "Vui quá "
        input.cursorPosition = input.length
        mouseClick(findChild(page, "emojiButton"))
        const picker = findChild(page, "emojiPicker")
        tryVerify(() => picker.opened)
        const first = findChild(picker.contentItem, "emoji_0")
        verify(first)
        const emoji = first.emoji
        mouseClick(first)
        compare(input.text, "Vui quá " + emoji)
        tryVerify(() => !picker.visible)
        keyClick(Qt.Key_Return)
        tryVerify(() => TestBackend.peerReceived("Vui quá " + emoji), 10000)
    }

    function test_5_othersWriteAndType(): void {
        TestBackend.peerTyping()
        tryCompare(findChild(page, "typingText"), "text", "Peer is typing…", 5000)
        const id = TestBackend.peerSay("Chào QML!")
        verify(id > 0)
        tryVerify(() => newestDelegate() !== null && newestDelegate().messageId === id, 10000)
        const shown = newestDelegate()
        compare(shown.text, "Chào QML!")
        compare(shown.authorName, "Peer")
        verify(!shown.own)
        tryCompare(findChild(page, "typingIndicator"), "label", "")
    }

    function delegateOf(messageId: real): Item {
        const list = findChild(page, "messageList")
        const row = Community.messages.rowOf(messageId)
        if (row < 0)
            return null
        list.positionViewAtIndex(row, ListView.Center)
        return list.itemAtIndex(row)
    }

    function test_6_editAndDeleteOwnMessage(): void {
        const input = findChild(page, "composerInput")
        input.forceActiveFocus()
        typeText("to be changed")
        keyClick(Qt.Key_Return)
        tryVerify(() => TestBackend.peerReceived("to be changed"), 10000)
        tryVerify(() => Community.messageText(Community.messages.lastEditableId()) === "to be changed")
        const id = Community.messages.lastEditableId()

        // Up in the empty composer edits the last own message; Enter saves.
        compare(input.text, "")
        keyClick(Qt.Key_Up)
        verify(findChild(page, "composerContext").visible)
        compare(input.text, "to be changed")
        keyClick(Qt.Key_End)
        typeText(", edited")
        keyClick(Qt.Key_Return)
        tryVerify(() => TestBackend.peerReceived("to be changed") && delegateOf(id) !== null
                  && delegateOf(id).edited, 10000)
        compare(delegateOf(id).text, "to be changed, edited")
        verify(!findChild(page, "composerContext").visible)
        compare(input.text, "")

        // Pointing at it shows its actions; delete asks first.
        const shown = delegateOf(id)
        mouseMove(findChild(shown, "bubble"))
        const actions = findChild(shown, "messageActions")
        tryVerify(() => actions.visible)
        mouseClick(findChild(shown, "deleteAction"))
        const dialog = findChild(page, "deleteDialog")
        tryVerify(() => dialog.opened)
        mouseClick(findChild(page, "confirmDelete"))
        tryVerify(() => delegateOf(id) !== null && delegateOf(id).deleted, 10000)
        compare(delegateOf(id).text, "")
    }

    function test_7_olderMessagesLoadWhenScrollingUp(): void {
        // A second page: more than the 50 messages a join brings.
        verify(TestBackend.peerSayMany(80, "history "))
        page.destroy()
        Session.signOut()
        Session.signInWithToken(TestBackend.serverUrl, TestBackend.token(701, "QML Tester"))
        tryCompare(Session, "status", Session.SignedIn, 10000)
        page = pageComponent.createObject(testCase)
        tryVerify(() => Community.messages.loaded && Community.messages.count === 50, 10000)
        verify(Community.messages.hasMore)

        // The top of a BottomToTop list is its end.
        const list = findChild(page, "messageList")
        tryVerify(() => {
            list.positionViewAtEnd()
            return Community.messages.count > 50
        }, 10000)
        tryVerify(() => {
            list.positionViewAtEnd()
            return !Community.messages.hasMore
        }, 10000)
        // Every message once, newest at the bottom (row 0).
        const count = Community.messages.count
        let previous = Infinity
        for (let row = 0; row < count; ++row) {
            list.positionViewAtIndex(row, ListView.Contain)
            const item = list.itemAtIndex(row)
            verify(item !== null)
            if (item.messageId > 0) {
                verify(item.messageId < previous)
                previous = item.messageId
            }
        }
    }
}
