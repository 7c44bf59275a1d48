// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import Chat.Core
import Chat.SignIn
import ChatTest

//! The sign-in page against a real server: creating an account, a wrong password, an
//! unreachable server, tokens from the site.
TestCase {
    id: testCase

    name: "SignIn"
    when: windowShown
    // A TestCase is hidden by default; the page under test must be shown to take input.
    visible: true
    width: 480
    height: 820

    Component {
        id: pageComponent
        SignInPage {
            width: testCase.width
            height: testCase.height
        }
    }

    function init(): void {
        Session.signOut()
        Session.clearError()
    }

    function createPage(): Item {
        const page = createTemporaryObject(pageComponent, testCase)
        verify(page)
        findChild(page, "serverField").text = TestBackend.serverUrl
        return page
    }

    //! Replaces the text of \a field by typing \a text (ASCII) into it.
    function typeInto(field: Item, text: string): void {
        field.forceActiveFocus()
        field.selectAll()
        keyClick(Qt.Key_Delete)
        for (let i = 0; i < text.length; ++i)
            keyClick(text[i])
        compare(field.text, text)
    }

    function test_createAccountThenSignIn(): void {
        const page = createPage()
        mouseClick(findChild(page, "modeSwitch"))
        verify(page.registering)
        verify(findChild(page, "displayNameField").visible)
        const submit = findChild(page, "submitButton")
        verify(!submit.enabled)

        typeInto(findChild(page, "usernameField").field, "qml.user")
        findChild(page, "displayNameField").text = "Người dùng QML"
        typeInto(findChild(page, "passwordField").field, "qml password")
        verify(submit.enabled)
        mouseClick(submit)
        tryCompare(Session, "status", Session.SignedIn, 10000)
        compare(Session.userName, "Người dùng QML")

        // Signed out, the same page signs in; Enter in the password field submits.
        Session.signOut()
        mouseClick(findChild(page, "modeSwitch"))
        verify(!page.registering)
        verify(!findChild(page, "displayNameField").visible)
        typeInto(findChild(page, "passwordField").field, "not the password")
        keyClick(Qt.Key_Return)
        tryCompare(Session, "error", Session.WrongPassword, 10000)
        verify(findChild(page, "signInError").visible)
        compare(findChild(page, "signInErrorText").text, Session.errorText)
        compare(Session.status, Session.SignedOut)

        typeInto(findChild(page, "passwordField").field, "qml password")
        mouseClick(submit)
        tryCompare(Session, "status", Session.SignedIn, 10000)
        verify(!findChild(page, "signInError").visible)
    }

    function test_unreachableServer(): void {
        verify(TestBackend.registerAccount("reachable", "long enough", "Reachable"))
        const page = createPage()
        findChild(page, "serverField").text = "http://127.0.0.1:1"
        typeInto(findChild(page, "usernameField").field, "reachable")
        typeInto(findChild(page, "passwordField").field, "long enough")
        mouseClick(findChild(page, "submitButton"))
        tryCompare(Session, "error", Session.Unreachable, 15000)
        verify(findChild(page, "signInError").visible)
        verify(findChild(page, "signInErrorText").text.indexOf("127.0.0.1:1") >= 0)
    }

    function test_tokenFromTheSite(): void {
        const page = createPage()
        mouseClick(findChild(page, "tokenTab"))
        compare(page.method, 1)
        const tokenField = findChild(page, "tokenField")
        const button = findChild(page, "tokenButton")
        verify(tokenField.visible)
        verify(!button.enabled)

        tokenField.text = TestBackend.token(4242, "Khách", -60)
        mouseClick(button)
        compare(Session.error, Session.TokenExpired)
        verify(findChild(page, "signInError").visible)

        tokenField.text = TestBackend.token(4242, "Khách")
        mouseClick(button)
        tryCompare(Session, "status", Session.SignedIn, 10000)
        compare(Session.userName, "Khách")
        compare(Session.userId, 4242)
    }
}
