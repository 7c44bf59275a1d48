// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

namespace chat::ui {

//! \brief True when an installed font can draw every character of \a text.
//!
//! Room icons and the emoji picker are emoji, and a desktop without an emoji font would show
//! empty boxes: such text is replaced by something readable instead. Results are cached; call
//! from the GUI thread only.
bool canRender(const QString &text);

} // namespace chat::ui
