// SPDX-License-Identifier: MIT
#pragma once

// The app's QML modules are static libraries: a program that loads them (the app, its tests)
// includes this once to link their plugins in.

#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(Chat_CorePlugin)
Q_IMPORT_QML_PLUGIN(Chat_CommonPlugin)
Q_IMPORT_QML_PLUGIN(Chat_SignInPlugin)
Q_IMPORT_QML_PLUGIN(Chat_CommunityPlugin)
Q_IMPORT_QML_PLUGIN(Chat_AppPlugin)
