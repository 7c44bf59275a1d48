// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace chat::storage {

//! \brief Storage: connections, migrations, batches ("chat.storage").
Q_DECLARE_LOGGING_CATEGORY(lcStorage)

} // namespace chat::storage
